namespace GptImageHub.Cli.Output.Json;

/// <summary>A failure with <c>--json</c>: <c>{"error": {"kind", "message", "exit_code", "generation_id"}}</c>.</summary>
internal sealed record ErrorJson(ErrorDetailJson Error);
