namespace GptImageHub.Sdk;

/// <summary>How a batch item ended. There is no zero value: an unset status never reads as success.</summary>
public enum BatchItemStatus
{
    /// <summary>The images were generated; <see cref="BatchItemResult.Generation"/> has them.</summary>
    Succeeded = 1,

    /// <summary>
    /// The item failed without a charge: the service refused it, it never left, or the generation
    /// ended failed (which the service refunds). <see cref="BatchItemResult.Error"/> says why; the
    /// next run with the same journal submits a refused or unsent item again.
    /// </summary>
    Failed = 2,

    /// <summary>The item was not submitted (budget, unknown price, or the batch stopped); nothing was charged.</summary>
    Skipped = 3,

    /// <summary>
    /// Unknown, possibly charged: the POST may have reached the service but its generation id never
    /// came back. It is not submitted again unless <see cref="BatchOptions.ResubmitUnknown"/> is set.
    /// </summary>
    Unknown = 4,

    /// <summary>
    /// Submitted and paid for, but the batch stopped waiting before it finished (canceled, timed
    /// out, or the client went away). <see cref="BatchItemResult.GenerationId"/> names it: run the
    /// batch again with the same journal, or wait for it by id, to get its images without paying again.
    /// </summary>
    Incomplete = 5,
}
