using System.Text.Json.Serialization;

namespace GptImageHub.Cli.Batch;

/// <summary>
/// One JSON line of a batch file:
/// <c>{"key", "prompt", "model", "size", "quality", "aspect_ratio", "n"}</c>; only <c>prompt</c> is required.
/// </summary>
internal sealed record BatchFileLine
{
    public string? Key { get; init; }

    public string? Prompt { get; init; }

    public string? Model { get; init; }

    public string? Size { get; init; }

    public string? Quality { get; init; }

    public string? AspectRatio { get; init; }

    public int? N { get; init; }
}

/// <summary>
/// Reads batch-file lines. Unknown properties are errors: a misspelt <c>"qualty"</c> would otherwise
/// be dropped silently and every item of a paid batch generated with the wrong setting.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(BatchFileLine))]
internal sealed partial class BatchFileJsonContext : JsonSerializerContext;
