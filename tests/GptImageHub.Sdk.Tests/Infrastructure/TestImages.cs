namespace GptImageHub.Sdk.Tests.Infrastructure;

/// <summary>Small byte arrays that start like real images; the SDK judges an image by its first bytes.</summary>
internal static class TestImages
{
    public static byte[] Png(int length = 64, byte fill = 1) => WithHeader([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A], length, fill);

    public static byte[] Jpeg(int length = 64) => WithHeader([0xFF, 0xD8, 0xFF, 0xE0], length, 2);

    public static byte[] WebP(int length = 64) => WithHeader([(byte)'R', (byte)'I', (byte)'F', (byte)'F', 0, 0, 0, 0, (byte)'W', (byte)'E', (byte)'B', (byte)'P'], length, 3);

    public static byte[] Gif(int length = 64) => WithHeader("GIF89a"u8.ToArray(), length, 4);

    private static byte[] WithHeader(byte[] header, int length, byte fill)
    {
        var bytes = new byte[Math.Max(length, header.Length)];
        Array.Fill(bytes, fill);
        header.CopyTo(bytes, 0);
        return bytes;
    }
}
