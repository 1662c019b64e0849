using System.Globalization;

namespace GptImageHub.Sdk.Batch;

/// <summary>
/// Prices a request from a model list. The tier comes from an explicit tier quality (<c>1K</c>,
/// <c>2K</c>, <c>4K</c>); otherwise a request with no size (or <c>auto</c>) is billed at <c>1K</c>,
/// the tier the provider's page names as the default, and a <c>WIDTHxHEIGHT</c> size at the
/// smallest tier whose longer side holds it: the tiers are defined by that side (1K = 1024,
/// 2K = 2048, 4K = 4096 pixels), so 1536 x 1024 is a 2K image, as the provider bills its 1024 x 1024
/// example at 1K. Anything else is left unpriced with a reason that names the setting to use.
/// </summary>
internal static class CreditEstimator
{
    private const string DefaultTier = "1K";

    // The longer side of the largest tier (4K).
    private const int MaxSide = 4096;

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
            if (model.CreditsPerImage.Count > 0 && request.Quality?.ToString() != tier && request.Size is { } size && size != ImageSize.Auto)
            {
                // The tier came from the size: say which one, and what the model does offer.
                reason = $"size {size} is billed at {tier}, and " + reason + "; use a smaller size or a tier quality the model lists";
            }

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

        if (!size.TryGetDimensions(out var width, out var height))
        {
            reason = string.Format(CultureInfo.InvariantCulture, "size '{0}' is not WIDTHxHEIGHT, so its tier cannot be told; set Quality to ImageQuality.Tier1K, Tier2K or Tier4K to price it", size);
            return null;
        }

        var longSide = Math.Max(width, height);
        var tier = longSide switch
        {
            <= 1024 => DefaultTier,
            <= 2048 => "2K",
            <= MaxSide => "4K",
            _ => null,
        };
        if (tier is null)
        {
            reason = string.Format(CultureInfo.InvariantCulture, "size {0} is larger than the largest tier (4K, {1} pixels on the longer side); use a size of at most {1}x{1}", size, MaxSide);
        }

        return tier;
    }

    private static CreditEstimate Unpriced(ImageGenerationRequest request, string? tier, int count, string reason) =>
        new() { Model = request.Model, Tier = tier, Count = count, Reason = reason };
}
