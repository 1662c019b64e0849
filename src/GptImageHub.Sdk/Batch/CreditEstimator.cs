using System.Globalization;

namespace GptImageHub.Sdk.Batch;

/// <summary>
/// Prices a request from a model list. The tier comes from an explicit tier quality (<c>1K</c>,
/// <c>2K</c>, <c>4K</c>); otherwise a request with no size (or <c>auto</c>) or a size of at most
/// 1024 x 1024 is billed at <c>1K</c>, the tier the provider's page names as the default and
/// bills its 1024 x 1024 example at. Any other case is left unpriced rather than guessed.
/// </summary>
internal static class CreditEstimator
{
    private const string DefaultTier = "1K";

    public static CreditEstimate Estimate(ImageGenerationRequest request, IReadOnlyList<ImageModel> models)
    {
        var count = request.N ?? 1;
        var model = models.FirstOrDefault(m => string.Equals(m.Id, request.Model, StringComparison.Ordinal));
        if (model is null)
        {
            return Unpriced(request, tier: null, count, $"model '{request.Model}' is not in the service's model list");
        }

        var tier = Tier(request, out var tierReason);
        if (tier is null)
        {
            return Unpriced(request, tier: null, count, tierReason!);
        }

        if (!model.CreditsPerImage.TryGetValue(tier, out var price) && !model.CreditsPerImage.TryGetValue(ImageModel.AnyTier, out price))
        {
            var reason = model.CreditsPerImage.Count == 0
                ? $"the service lists no price for model '{model.Id}'"
                : $"the service lists no {tier} price for model '{model.Id}' (it lists {string.Join(", ", model.CreditsPerImage.Keys)})";
            return Unpriced(request, tier, count, reason);
        }

        return new CreditEstimate { Model = request.Model, Tier = tier, Count = count, CreditsPerImage = price, Credits = (long)price * count };
    }

    private static string? Tier(ImageGenerationRequest request, out string? reason)
    {
        reason = null;
        var quality = request.Quality?.ToString();
        if (quality is "1K" or "2K" or "4K")
        {
            return quality;
        }

        if (request.Size is not { } size || size == ImageSize.Auto)
        {
            return DefaultTier;
        }

        if (size.TryGetDimensions(out var width, out var height) && width <= 1024 && height <= 1024)
        {
            return DefaultTier;
        }

        reason = string.Format(CultureInfo.InvariantCulture, "the price list does not say which tier size {0} is billed at; set Quality to 1K, 2K or 4K to price it", size);
        return null;
    }

    private static CreditEstimate Unpriced(ImageGenerationRequest request, string? tier, int count, string reason) =>
        new() { Model = request.Model, Tier = tier, Count = count, Reason = reason };
}
