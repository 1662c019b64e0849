namespace GptImageHub.Cli.Output.Json;

/// <summary>
/// One item of <c>gih batch --json</c>, a line each as items end:
/// <c>{"key", "status", "generation_id", "files": [], "credits", "reason", "from_journal"}</c>.
/// </summary>
/// <param name="Key">The item's key.</param>
/// <param name="Status"><c>succeeded</c>, <c>failed</c>, <c>skipped</c> or <c>unknown</c>.</param>
/// <param name="GenerationId">The generation, when one was created.</param>
/// <param name="Files">The saved images, full paths; empty unless succeeded.</param>
/// <param name="Credits">What a succeeded item cost; null otherwise.</param>
/// <param name="Reason">Why the item did not succeed, or why its images were not saved.</param>
/// <param name="FromJournal">Whether the outcome came from the journal of an earlier run, without a request.</param>
internal sealed record BatchItemJson(
    string Key,
    string Status,
    string? GenerationId,
    IReadOnlyList<string> Files,
    int? Credits,
    string? Reason,
    bool FromJournal);
