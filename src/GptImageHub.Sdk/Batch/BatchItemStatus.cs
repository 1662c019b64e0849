namespace GptImageHub.Sdk;

/// <summary>How a batch item ended.</summary>
public enum BatchItemStatus
{
    /// <summary>The images were generated; <see cref="BatchItemResult.Generation"/> has them.</summary>
    Succeeded = 0,

    /// <summary>The item failed; <see cref="BatchItemResult.Error"/> says why. A failed job is refunded by the service.</summary>
    Failed = 1,

    /// <summary>The item was not submitted (budget, unknown price, or the batch stopped); nothing was charged.</summary>
    Skipped = 2,

    /// <summary>
    /// Unknown, possibly charged: the POST was started but its generation id never came back. It is
    /// not submitted again unless <see cref="BatchOptions.ResubmitUnknown"/> is set.
    /// </summary>
    Unknown = 3,
}
