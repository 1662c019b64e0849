using GptImageHub.Sdk;

namespace GptImageHub.Cli.Output.Json;

/// <summary>
/// A generation, as <c>generate</c>, <c>get</c>, <c>wait</c> and <c>download</c> print it:
/// <c>{"id", "status", "model", "aspect_ratio", "quality", "created_at", "usage": {"credits", "credits_requested"}, "images": [{"id", "url", "file"}]}</c>.
/// </summary>
internal sealed record GenerationJson(
    string Id,
    string Status,
    string? Model,
    string? AspectRatio,
    string? Quality,
    DateTimeOffset? CreatedAt,
    UsageJson? Usage,
    IReadOnlyList<ImageJson> Images)
{
    /// <summary>
    /// Describes <paramref name="generation"/>; <paramref name="files"/> are the saved paths, in image order, when gih
    /// saved them. <paramref name="apiKey"/>, the run's key, is masked in the image addresses (<see cref="Failures.KeyMask.ApplyToAddress"/>).
    /// </summary>
    public static GenerationJson From(ImageGeneration generation, string? apiKey, IReadOnlyList<string>? files = null) =>
        new(
            generation.Id,
            generation.Status.ToString(),
            generation.Model,
            generation.AspectRatio,
            generation.Quality,
            generation.CreatedAt,
            generation.Usage is { } usage ? new UsageJson(usage.Credits, usage.CreditsRequested) : null,
            [.. generation.Images.Select((image, i) => new ImageJson(image.Id, Failures.KeyMask.ApplyToAddress(image.Url.OriginalString, apiKey), files is not null && i < files.Count ? files[i] : null))]);
}
