namespace GptImageHub.Sdk.Batch.PostgreSql;

/// <summary>
/// The values of <c>gih_batch_items.state</c>. Three have no journal event: <c>pending</c> (waiting for a
/// worker), <c>claimed</c> (a worker has it, nothing recorded before its POST yet) and <c>skipped</c> (the
/// budget refused its reservation in this run); a status report counts all three as pending.
/// </summary>
internal static class ItemStates
{
    public const string Pending = "pending";
    public const string Claimed = "claimed";
    public const string Submitting = "submitting";
    public const string Submitted = "submitted";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Unknown = "unknown";
    public const string Refused = "refused";
    public const string NotSent = "not_sent";
    public const string Skipped = "skipped";

    public static BatchJournalEvent? ToEvent(string state) => state switch
    {
        Submitting => BatchJournalEvent.Submitting,
        Submitted => BatchJournalEvent.Submitted,
        Succeeded => BatchJournalEvent.Succeeded,
        Failed => BatchJournalEvent.Failed,
        Unknown => BatchJournalEvent.Unknown,
        Refused => BatchJournalEvent.Refused,
        NotSent => BatchJournalEvent.NotSent,
        _ => null,
    };

    public static string FromEvent(BatchJournalEvent journalEvent) => journalEvent switch
    {
        BatchJournalEvent.Submitting => Submitting,
        BatchJournalEvent.Submitted => Submitted,
        BatchJournalEvent.Succeeded => Succeeded,
        BatchJournalEvent.Failed => Failed,
        BatchJournalEvent.Unknown => Unknown,
        BatchJournalEvent.Refused => Refused,
        BatchJournalEvent.NotSent => NotSent,
        _ => throw new ArgumentOutOfRangeException(nameof(journalEvent), journalEvent, "Not a batch journal event."),
    };
}
