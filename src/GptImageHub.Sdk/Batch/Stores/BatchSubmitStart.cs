namespace GptImageHub.Sdk.Batch;

/// <summary>
/// The answer to <see cref="BatchStoreSession.BeginSubmitAsync"/>: whether a claimed item may be posted and, when
/// not, why, so that the item's result tells the truth (a budget message for an item no budget refused misleads).
/// </summary>
public enum BatchSubmitStart
{
    /// <summary>Recorded durably, with its credits reserved: the item may be posted.</summary>
    Recorded = 1,

    /// <summary>Its credits would take the batch past its budget: nothing recorded, and the item is skipped for this run.</summary>
    OverBudget = 2,

    /// <summary>
    /// The claim is no longer this session's: a store shared by workers handed it to another worker after this one's
    /// lease lapsed (a pause, an outage). Nothing recorded; the item is the other worker's to post.
    /// </summary>
    ClaimLost = 3,
}
