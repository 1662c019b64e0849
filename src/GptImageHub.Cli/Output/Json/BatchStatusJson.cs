using GptImageHub.Sdk.Batch;

namespace GptImageHub.Cli.Output.Json;

/// <summary>
/// <c>gih batch status --json</c>: <c>{"batch", "total", "succeeded", "failed", "unknown", "running",
/// "pending", "credits_spent", "credits_reserved", "credit_budget", "unknown_keys"}</c>. Running counts
/// items being submitted or waited for; failed counts failed generations and refusals.
/// </summary>
internal sealed record BatchStatusJson(
    string Batch,
    long Total,
    long Succeeded,
    long Failed,
    long Unknown,
    long Running,
    long Pending,
    long CreditsSpent,
    long CreditsReserved,
    long? CreditBudget,
    IReadOnlyList<string> UnknownKeys)
{
    public static BatchStatusJson From(string batch, BatchStatus status)
    {
        long Count(BatchJournalEvent state) => status.Counts.TryGetValue(state, out var n) ? n : 0;
        return new BatchStatusJson(
            batch,
            status.Total,
            Count(BatchJournalEvent.Succeeded),
            Count(BatchJournalEvent.Failed) + Count(BatchJournalEvent.Refused) + Count(BatchJournalEvent.NotSent),
            Count(BatchJournalEvent.Unknown),
            Count(BatchJournalEvent.Submitting) + Count(BatchJournalEvent.Submitted),
            status.Pending,
            status.CreditsSpent,
            status.CreditsReserved,
            status.CreditBudget,
            status.UnknownKeys);
    }
}
