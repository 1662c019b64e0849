namespace GptImageHub.Sdk;

/// <summary>How <see cref="GptImageHubBatchExtensions.GenerateBatchAsync"/> runs a batch.</summary>
public sealed class BatchOptions
{
    /// <summary>How many items may be submitted and unfinished on the service at once.</summary>
    /// <value>The default is 4. Polls of all waiting items share one loop, however many there are.</value>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>
    /// The most the batch may spend, counted from each item's estimate when it is submitted (and its
    /// real charge once known, journaled items included). An item that would go past it, or that
    /// cannot be priced, is not submitted and comes back <see cref="BatchItemStatus.Skipped"/>.
    /// </summary>
    /// <value>The default is null: no budget.</value>
    public long? CreditBudget { get; set; }

    /// <summary>
    /// An append-only JSON-lines file that makes the batch crash-safe. Each item's key is written and
    /// flushed to disk before its POST, its generation id after, and its outcome at the end. Running
    /// the same batch with the same journal reports finished items without a request, resumes
    /// submitted ones by id, and never submits a key twice.
    /// </summary>
    /// <value>The default is null: no journal.</value>
    public string? JournalPath { get; set; }

    /// <summary>
    /// The poll schedule of the batch's waiting jobs, when it should differ from the client's own
    /// (<see cref="GptImageHubClientOptions.Polling"/>), or when the client is not a
    /// <see cref="GptImageHubClient"/> and so has none to share.
    /// </summary>
    /// <value>The default is null: the client's schedule, or the documented defaults.</value>
    public PollingOptions? Polling { get; set; }

    /// <summary>
    /// A store other than the file journal, such as the PostgreSQL fleet store
    /// (<c>GptImageHub.Sdk.Batch.PostgreSql</c>), through which several processes share one batch
    /// and one budget. Set this or <see cref="JournalPath"/>, not both.
    /// </summary>
    /// <value>The default is null: the file journal at <see cref="JournalPath"/>, or none.</value>
    public Batch.BatchStore? Store { get; set; }

    /// <summary>
    /// Whether an item whose POST was started but whose id never came back (a crash or a lost
    /// connection at that moment) is submitted again. It may already have been charged.
    /// </summary>
    /// <value>The default is <see langword="false"/>: such an item comes back <see cref="BatchItemStatus.Unknown"/>.</value>
    public bool ResubmitUnknown { get; set; }
}
