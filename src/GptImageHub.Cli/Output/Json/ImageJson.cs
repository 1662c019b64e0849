namespace GptImageHub.Cli.Output.Json;

/// <summary>One image: its id, its URL and the full path gih saved it to (null when not saved).</summary>
internal sealed record ImageJson(string Id, string Url, string? File);
