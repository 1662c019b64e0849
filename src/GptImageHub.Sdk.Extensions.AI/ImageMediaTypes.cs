namespace GptImageHub.Sdk.Extensions.AI;

/// <summary>
/// Media types of generated and reference images. The service documents PNG only, but image URLs
/// with another extension, or bytes in another format, are labelled for what they are.
/// </summary>
internal static class ImageMediaTypes
{
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";
    public const string WebP = "image/webp";

    /// <summary>The media type named by a URL's file extension; PNG when it names none the service uses.</summary>
    public static string FromUrl(Uri url)
    {
        var path = url.IsAbsoluteUri ? url.AbsolutePath : url.OriginalString.Split('?', '#')[0];
        var dot = path.LastIndexOf('.');
        var slash = path.LastIndexOf('/');
        var extension = dot > slash ? path.Substring(dot).ToUpperInvariant() : string.Empty;
        return extension switch
        {
            ".JPG" or ".JPEG" => Jpeg,
            ".WEBP" => WebP,
            _ => Png,
        };
    }

    /// <summary>The media type the first bytes show, or <paramref name="fallback"/> when they show none of PNG, JPEG or WebP.</summary>
    public static string FromBytes(ReadOnlySpan<byte> bytes, string fallback)
    {
        if (bytes.Length >= 8 && bytes[0] == 0x89 && bytes[1] == (byte)'P' && bytes[2] == (byte)'N' && bytes[3] == (byte)'G'
            && bytes[4] == 0x0D && bytes[5] == 0x0A && bytes[6] == 0x1A && bytes[7] == 0x0A)
        {
            return Png;
        }

        if (bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF)
        {
            return Jpeg;
        }

        if (bytes.Length >= 12 && bytes[0] == (byte)'R' && bytes[1] == (byte)'I' && bytes[2] == (byte)'F' && bytes[3] == (byte)'F'
            && bytes[8] == (byte)'W' && bytes[9] == (byte)'E' && bytes[10] == (byte)'B' && bytes[11] == (byte)'P')
        {
            return WebP;
        }

        return fallback;
    }

    /// <summary>A file extension for a media type, used to name a reference image that came without a name.</summary>
    public static string ExtensionFor(string? mediaType) => mediaType?.Trim().ToUpperInvariant() switch
    {
        "IMAGE/JPEG" or "IMAGE/JPG" => ".jpg",
        "IMAGE/WEBP" => ".webp",
        _ => ".png",
    };
}
