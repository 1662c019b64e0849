using System.Globalization;

namespace GptImageHub.Emulator.Catalog;

/// <summary>
/// The resolution tiers and how they turn into pixels: a tier fixes the longer side (1K = 1024,
/// 2K = 2048, 4K = 4096) and the aspect ratio fixes the shorter one.
/// </summary>
internal static class ResolutionTiers
{
    public const string Tier1K = "1K";
    public const string Tier2K = "2K";
    public const string Tier4K = "4K";
    public const string AutoAspectRatio = "auto";

    /// <summary>The largest width or height a <c>size</c> may ask for.</summary>
    public const int MaxSide = 4096;

    public static bool IsTier(string value) => value is Tier1K or Tier2K or Tier4K;

    public static int LongSide(string tier) => tier switch
    {
        Tier2K => 2048,
        Tier4K => 4096,
        _ => 1024,
    };

    /// <summary>The cheapest tier whose longer side holds <paramref name="longSide"/> pixels.</summary>
    public static string ForLongSide(int longSide) => longSide switch
    {
        <= 1024 => Tier1K,
        <= 2048 => Tier2K,
        _ => Tier4K,
    };

    /// <summary>The pixel size of an aspect ratio (<c>auto</c> renders square) at a tier.</summary>
    public static (int Width, int Height) Dimensions(string aspectRatio, string tier)
    {
        var (w, h) = ParseRatio(aspectRatio);
        var longSide = LongSide(tier);
        return w >= h
            ? (longSide, Math.Max(1, (int)Math.Round(longSide * (double)h / w)))
            : (Math.Max(1, (int)Math.Round(longSide * (double)w / h)), longSide);
    }

    /// <summary>The reduced ratio of a pixel size, such as <c>3:2</c> for 1536 x 1024.</summary>
    public static string RatioOf(int width, int height)
    {
        var divisor = Gcd(width, height);
        return string.Create(CultureInfo.InvariantCulture, $"{width / divisor}:{height / divisor}");
    }

    private static (int Width, int Height) ParseRatio(string aspectRatio)
    {
        var colon = aspectRatio.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0
            && int.TryParse(aspectRatio.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var w)
            && int.TryParse(aspectRatio.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            && w > 0 && h > 0)
        {
            return (w, h);
        }

        return (1, 1);
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
