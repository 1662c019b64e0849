namespace GptImageHub.Cli.Output.Json;

/// <summary>
/// What failed: <c>kind</c> is one of <c>usage</c>, <c>auth</c>, <c>credits</c>, <c>not_found</c>,
/// <c>generation_failed</c>, <c>timeout</c>, <c>network</c>, <c>service</c>, <c>cancelled</c>,
/// <c>error</c>; <c>generation_id</c> names a submitted job to resume, or is null.
/// </summary>
internal sealed record ErrorDetailJson(string Kind, string Message, int ExitCode, string? GenerationId);
