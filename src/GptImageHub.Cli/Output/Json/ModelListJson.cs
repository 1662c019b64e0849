namespace GptImageHub.Cli.Output.Json;

/// <summary><c>gih models --json</c>: <c>{"models": [ModelJson, ...]}</c>.</summary>
internal sealed record ModelListJson(IReadOnlyList<ModelJson> Models);
