namespace GptImageHub.Sdk.Batch;

/// <summary>What a <see cref="BatchStore"/> knows of a batch, for a status report.</summary>
public sealed record BatchStatus
{
    /// <summary>How many items are in each state; an item not yet submitted counts under <see cref="Pending"/>.</summary>
    public required IReadOnlyDictionary<BatchJournalEvent, long> Counts { get; init; }

    /// <summary>Items enqueued but not yet submitted (or offered again after a refusal).</summary>
    public long Pending { get; init; }

    /// <summary>All items the store knows.</summary>
    public long Total { get; init; }

    /// <summary>Credits reserved by items being submitted or waiting for their result.</summary>
    public long CreditsReserved { get; init; }

    /// <summary>Credits spent by succeeded items (their real charge) and unknown items (their reservation).</summary>
    public long CreditsSpent { get; init; }

    /// <summary>The budget the store enforces, if any.</summary>
    public long? CreditBudget { get; init; }

    /// <summary>The keys of the unknown (possibly charged) items.</summary>
    public required IReadOnlyList<string> UnknownKeys { get; init; }
}
