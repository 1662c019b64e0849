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

    /// <summary>
    /// Cancelled once the run's caller stops it (cancels, or stops reading its results). A session may then cut
    /// short, when it is disposed, what it does on leaving only for the other workers' sake (waiting through an
    /// outage to hand its claims over), which the store does by itself later (a lease runs out).
    /// </summary>
    public CancellationToken RunStopped { get; init; }
}
