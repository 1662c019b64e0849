namespace GptImageHub.Emulator.Catalog;

/// <summary>
/// The four models the provider documents. gpt-image-2's limits and prices are the provider's;
/// the gemini models' aspect ratios and prices are not published, so the values here are the
/// emulator's own (see the emulator's README).
/// </summary>
internal static class ModelCatalog
{
    private static readonly string[] OpenAiAspectRatios =
        ["auto", "1:1", "4:3", "3:4", "3:2", "2:3", "16:9", "9:16", "5:4", "4:5", "21:9", "9:21", "2:1", "1:2", "3:1", "1:3"];

    // The ratios Gemini image models accept, plus the service's "auto".
    private static readonly string[] GeminiAspectRatios =
        ["auto", "1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"];

    private static readonly string[] AllTiers = [ResolutionTiers.Tier1K, ResolutionTiers.Tier2K, ResolutionTiers.Tier4K];

    public static IReadOnlyList<EmulatedModel> Models { get; } =
    [
        new("gpt-image-2", "GPT IMAGE 2", "openai", OpenAiAspectRatios, AllTiers, 16, Prices(8, 10, 12)),
        new("nanobanana", "Nano Banana", "gemini", GeminiAspectRatios, [ResolutionTiers.Tier1K], 3, Prices(4)),
        new("nanobanana2", "Nano Banana 2", "gemini", GeminiAspectRatios, AllTiers, 14, Prices(6, 9, 12)),
        new("nanobananapro", "Nano Banana Pro", "gemini", GeminiAspectRatios, AllTiers, 14, Prices(10, 14, 18)),
    ];

    /// <summary>The most reference images any model accepts; a request past it is refused before its model is known.</summary>
    public static int LargestReferenceImageLimit { get; } = Models.Max(m => m.ReferenceImageLimit);

    public static EmulatedModel? Find(string id) =>
        Models.FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.Ordinal));

    private static Dictionary<string, int> Prices(params int[] perTier)
    {
        var prices = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < perTier.Length; i++)
        {
            prices[AllTiers[i]] = perTier[i];
        }

        return prices;
    }
}
