namespace GptImageHub.Sdk;

/// <summary>One item's outcome in a batch.</summary>
public sealed record BatchItemResult
{
    /// <summary>The item's key.</summary>
    public required string Key { get; init; }

    /// <summary>How the item ended.</summary>
    public required BatchItemStatus Status { get; init; }

    /// <summary>The generation's id, whenever one exists (resume a wait with it).</summary>
    public string? GenerationId { get; init; }

    /// <summary>The succeeded generation with its images.</summary>
    public ImageGeneration? Generation { get; init; }

    /// <summary>Why the item failed or ended unknown.</summary>
    public Exception? Error { get; init; }

    /// <summary>A sentence for a person: why the item was skipped, failed or is unknown.</summary>
    public string? Reason { get; init; }

    /// <summary>Whether the result was read from the journal of an earlier run, without any request.</summary>
    public bool FromJournal { get; init; }
}
