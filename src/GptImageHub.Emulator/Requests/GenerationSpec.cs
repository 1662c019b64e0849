using GptImageHub.Emulator.Catalog;

namespace GptImageHub.Emulator.Requests;

/// <summary>A generation request that passed every rule: what to make, at what size, and at what price.</summary>
/// <param name="Model">The model.</param>
/// <param name="Prompt">The prompt.</param>
/// <param name="N">The images asked for, 1 to 4.</param>
/// <param name="Tier">The priced tier, echoed as <c>quality</c>.</param>
/// <param name="AspectRatio">The aspect ratio echoed in responses.</param>
/// <param name="Width">The width of each image in pixels.</param>
/// <param name="Height">The height of each image in pixels.</param>
/// <param name="Async">Whether the client asked for a queued job.</param>
/// <param name="CreditsPerImage">The model's price for <paramref name="Tier"/>.</param>
internal sealed record GenerationSpec(
    EmulatedModel Model,
    string Prompt,
    int N,
    string Tier,
    string AspectRatio,
    int Width,
    int Height,
    bool Async,
    int CreditsPerImage)
{
    public int CreditsRequested => N * CreditsPerImage;
}
