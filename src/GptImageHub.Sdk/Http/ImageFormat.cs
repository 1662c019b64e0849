namespace GptImageHub.Sdk.Http;

/// <summary>Recognises the image formats the service accepts by their first bytes, never by a file name.</summary>
internal static class ImageFormat
{
    /// <summary>How many leading bytes <see cref="Detect"/> needs.</summary>
    public const int SignatureLength = 12;

    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";
    public const string WebP = "image/webp";

    /// <summary>The content type for a known signature, or null.</summary>
    public static string? Detect(ReadOnlySpan<byte> header)
    {
        if (header.Length >= 8 && header[0] == 0x89 && header[1] == (byte)'P' && header[2] == (byte)'N' && header[3] == (byte)'G'
            && header[4] == 0x0D && header[5] == 0x0A && header[6] == 0x1A && header[7] == 0x0A)
        {
            return Png;
        }

        if (header.Length >= 3 && header[0] == 0xFF && header[1] == 0xD8 && header[2] == 0xFF)
        {
            return Jpeg;
        }

        if (header.Length >= 12 && header[0] == (byte)'R' && header[1] == (byte)'I' && header[2] == (byte)'F' && header[3] == (byte)'F'
            && header[8] == (byte)'W' && header[9] == (byte)'E' && header[10] == (byte)'B' && header[11] == (byte)'P')
        {
            return WebP;
        }

        return null;
    }

    /// <summary>The canonical name of a content type the caller gave, so <c>image/jpg</c> matches <c>image/jpeg</c>.</summary>
    public static string Normalize(string contentType)
    {
        var type = contentType.Split(';')[0].Trim().ToLowerInvariant();
        return type is "image/jpg" or "image/pjpeg" ? Jpeg : type;
    }
}
