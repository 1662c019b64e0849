using GptImageHub.Sdk;

namespace GptImageHub.Cli.Output.Json;

/// <summary>One model: <c>{"id", "name", "provider", "aspect_ratios", "qualities", "reference_image_limit", "credits_per_image"}</c>.</summary>
internal sealed record ModelJson(
    string Id,
    string? Name,
    string? Provider,
    IReadOnlyList<string> AspectRatios,
    IReadOnlyList<string> Qualities,
    int? ReferenceImageLimit,
    IReadOnlyDictionary<string, int> CreditsPerImage)
{
    public static ModelJson From(ImageModel model) =>
        new(model.Id, model.Name, model.Provider, model.AspectRatios, model.Qualities, model.ReferenceImageLimit, model.CreditsPerImage);
}
