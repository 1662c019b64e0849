namespace GptImageHub.Emulator.Requests;

/// <summary>
/// Recognises the reference-image formats the service accepts (PNG, JPEG, WebP) by their first
/// bytes, because a client's file name or Content-Type proves nothing about the file.
/// </summary>
internal static class ReferenceImageFormat
{
    /// <summary>The largest reference image accepted: 50 MB, read as 50 MiB.</summary>
    public const long MaxBytes = 50L * 1024 * 1024;

    /// <summary>How many leading bytes <see cref="Detect"/> needs.</summary>
    public const int SniffLength = 12;

    public static string? Detect(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return "image/png";
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return "image/jpeg";
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return "image/webp";
        }

        return null;
    }
}
