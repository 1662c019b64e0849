namespace GptImageHub.Cli.Batch;

/// <summary>
/// One JSON line of a batch file:
/// <c>{"key", "prompt", "model", "size", "quality", "aspect_ratio", "n"}</c>; only <c>prompt</c> is required.
/// Any other field is an error: a misspelt <c>"qualty"</c> would otherwise be dropped silently and
/// every item of a paid batch generated with the wrong setting.
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
