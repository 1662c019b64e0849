using System.Globalization;
using GptImageHub.Emulator.Catalog;

namespace GptImageHub.Emulator.Requests;

/// <summary>
/// Applies the documented rules to a generation request and settles what it asks for.
/// </summary>
/// <remarks>
/// Quality: a tier (<c>1K</c>, <c>2K</c>, <c>4K</c>) must be one the model lists and sets the price.
/// OpenAI qualities (<c>auto</c>, <c>low</c>, <c>medium</c>, <c>high</c>) are accepted but do not
/// set the price: as in the provider's example (<c>size 1024x1024, quality high</c> answered with
/// <c>quality 1K</c>), the tier then follows the size's longer side (up to 1024 = 1K, up to
/// 2048 = 2K, else 4K), or is the model's first tier when there is no size.
/// Pixels: <c>size WxH</c> wins; otherwise the aspect ratio at the tier (longer side 1024, 2048 or
/// 4096; <c>auto</c> is square).
/// </remarks>
internal static class GenerationRequestValidator
{
    public const int MinImages = 1;
    public const int MaxImages = 4;

    private static readonly string[] OpenAiQualities = ["auto", "low", "medium", "high"];

    public static bool TryValidate(RawGenerationRequest raw, out GenerationSpec? spec, out string? error)
    {
        spec = null;
        error = Check(raw, ref spec);
        return error is null;
    }

    private static string? Check(RawGenerationRequest raw, ref GenerationSpec? spec)
    {
        if (raw.Error is { } readError)
        {
            return readError;
        }

        if (string.IsNullOrWhiteSpace(raw.Model))
        {
            return "model is required";
        }

        if (ModelCatalog.Find(raw.Model) is not { } model)
        {
            return $"Unknown model '{raw.Model}'";
        }

        if (string.IsNullOrWhiteSpace(raw.Prompt))
        {
            return "prompt is required";
        }

        var n = raw.N ?? MinImages;
        if (n is < MinImages or > MaxImages)
        {
            return string.Create(CultureInfo.InvariantCulture, $"n must be between {MinImages} and {MaxImages}");
        }

        string? explicitTier = null;
        if (raw.Quality is { } quality)
        {
            if (ResolutionTiers.IsTier(quality))
            {
                if (!model.SupportsTier(quality))
                {
                    return $"quality '{quality}' is not supported by model {model.Id}";
                }

                explicitTier = quality;
            }
            else if (!OpenAiQualities.Contains(quality, StringComparer.Ordinal))
            {
                return $"quality must be one of auto, low, medium, high or a tier of {model.Id} ({string.Join(", ", model.Tiers)})";
            }
        }

        (int Width, int Height)? size = null;
        if (raw.Size is { } sizeText && !string.Equals(sizeText, "auto", StringComparison.Ordinal))
        {
            if (!TryParseSize(sizeText, out var parsed))
            {
                return string.Create(CultureInfo.InvariantCulture, $"size must be auto or WIDTHxHEIGHT with each side from 1 to {ResolutionTiers.MaxSide}");
            }

            size = parsed;
        }

        var aspectRatio = raw.AspectRatio ?? ResolutionTiers.AutoAspectRatio;
        if (!model.SupportsAspectRatio(aspectRatio))
        {
            return $"aspect_ratio '{aspectRatio}' is not supported by model {model.Id}";
        }

        if (raw.ReferenceImageCount > model.ReferenceImageLimit)
        {
            return string.Create(CultureInfo.InvariantCulture, $"Too many reference images: {model.Id} accepts at most {model.ReferenceImageLimit}");
        }

        var tier = explicitTier
            ?? (size is { } s ? ResolutionTiers.ForLongSide(Math.Max(s.Width, s.Height)) : model.DefaultTier);
        if (!model.SupportsTier(tier))
        {
            return $"size {raw.Size} needs the {tier} tier, which model {model.Id} does not support";
        }

        var (width, height) = size ?? ResolutionTiers.Dimensions(aspectRatio, tier);
        var echoedRatio = size is not null || aspectRatio == ResolutionTiers.AutoAspectRatio
            ? ResolutionTiers.RatioOf(width, height)
            : aspectRatio;

        spec = new GenerationSpec(model, raw.Prompt, n, tier, echoedRatio, width, height, raw.Async, model.CreditsPerImage[tier]);
        return null;
    }

    private static bool TryParseSize(string text, out (int Width, int Height) size)
    {
        size = default;
        var separator = text.IndexOf('x', StringComparison.Ordinal);
        if (separator <= 0
            || !int.TryParse(text.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var width)
            || !int.TryParse(text.AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var height)
            || width is < 1 or > ResolutionTiers.MaxSide
            || height is < 1 or > ResolutionTiers.MaxSide)
        {
            return false;
        }

        size = (width, height);
        return true;
    }
}
