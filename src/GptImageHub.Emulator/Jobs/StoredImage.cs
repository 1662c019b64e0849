namespace GptImageHub.Emulator.Jobs;

/// <summary>
/// A delivered image. Only its description is kept; the PNG is drawn again on each download,
/// which the picture's determinism makes indistinguishable from storing it.
/// </summary>
internal sealed record StoredImage(
    string Id,
    string UserId,
    string GenerationId,
    int Index,
    string Prompt,
    int Width,
    int Height,
    DateTimeOffset CreatedAt)
{
    /// <summary>The image's path on the emulator's CDN, relative to the base address.</summary>
    public string RelativeUrl => $"cdn/generations/{UserId}/{Id}.png";
}
