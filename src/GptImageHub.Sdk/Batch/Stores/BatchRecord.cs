namespace GptImageHub.Sdk.Batch;

/// <summary>One step of one batch item, as recorded by a <see cref="BatchStore"/>.</summary>
/// <param name="Key">The item's key.</param>
/// <param name="Event">What happened.</param>
public sealed record BatchRecord(string Key, BatchJournalEvent Event)
{
    /// <summary>The generation's id, once known.</summary>
    public string? GenerationId { get; init; }

    /// <summary>
    /// The credits the item cost (<see cref="BatchJournalEvent.Succeeded"/>), reserved (<see cref="BatchJournalEvent.Submitting"/>),
    /// or may have cost (<see cref="BatchJournalEvent.Unknown"/>, when its submit paid for several jobs: one price each;
    /// a store counts it against the budget in place of the reservation). Null keeps what the store holds.
    /// </summary>
    public long? Credits { get; init; }

    /// <summary>The succeeded generation, with its images.</summary>
    public ImageGeneration? Generation { get; init; }

    /// <summary>The name of the error that ended the item, such as <c>ServiceException</c>.</summary>
    public string? Error { get; init; }

    /// <summary>The error's message.</summary>
    public string? Message { get; init; }

    /// <summary>When it was recorded, on the store's clock; stores fill it in.</summary>
    public DateTimeOffset? At { get; init; }
}
