namespace GptImageHub.Sdk.Batch;

/// <summary>What a <see cref="BatchStore"/> needs to know about a run of the batch.</summary>
public sealed record BatchRunSettings
{
    /// <summary>The most the batch may spend (reserved plus spent), or null for no budget.</summary>
    public long? CreditBudget { get; init; }

    /// <summary>Whether unknown (possibly charged) items are offered to be posted again.</summary>
    public bool ResubmitUnknown { get; init; }

    /// <summary>The clock for records and leases.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
