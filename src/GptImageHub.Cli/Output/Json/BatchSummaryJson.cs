namespace GptImageHub.Cli.Output.Json;

/// <summary>
/// The last line of <c>gih batch --json</c>:
/// <c>{"summary": {"total", "succeeded", "not_saved", "failed", "skipped", "unknown", "not_finished", "credits", "journal", "out", "exit_code"}}</c>.
/// </summary>
internal sealed record BatchSummaryJson(BatchSummaryDetailJson Summary);

/// <summary>
/// The counts of a batch run; <c>not_saved</c> counts the succeeded items whose images could not be
/// saved (each item's line has its <c>gih download</c> command); <c>not_finished</c> counts the items
/// not submitted when the run was stopped and those submitted and paid for (<c>incomplete</c>, with
/// their id) that had not finished when it stopped or gave up waiting; <c>unknown</c> counts only
/// items whose submit may have been charged but whose id never came back.
/// </summary>
internal sealed record BatchSummaryDetailJson(
    int Total,
    int Succeeded,
    int NotSaved,
    int Failed,
    int Skipped,
    int Unknown,
    int NotFinished,
    long Credits,
    string Journal,
    string Out,
    int ExitCode);
