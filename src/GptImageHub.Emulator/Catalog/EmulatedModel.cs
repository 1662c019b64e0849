namespace GptImageHub.Emulator.Catalog;

/// <summary>A model the emulator offers, with the limits and prices it enforces.</summary>
internal sealed record EmulatedModel(
    string Id,
    string Name,
    string Provider,
    IReadOnlyList<string> AspectRatios,
    IReadOnlyList<string> Tiers,
    int ReferenceImageLimit,
    IReadOnlyDictionary<string, int> CreditsPerImage)
{
    /// <summary>The tier priced when a request names neither a tier nor a pixel size.</summary>
    public string DefaultTier => Tiers[0];

    public bool SupportsTier(string tier) => Tiers.Contains(tier, StringComparer.Ordinal);

    public bool SupportsAspectRatio(string aspectRatio) => AspectRatios.Contains(aspectRatio, StringComparer.Ordinal);
}
