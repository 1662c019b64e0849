using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace GptImageHub.Sdk.Tests.Emulator;

/// <summary>
/// An independent PNG reader for the tests: checks the signature and every chunk's CRC, reads
/// IHDR and inflates the IDAT data, so the emulator's encoder is judged by the format, not by itself.
/// </summary>
internal sealed class PngFile
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private PngFile(int width, int height, byte bitDepth, byte colorType, IReadOnlyList<string> chunkTypes, byte[] pixels)
    {
        Width = width;
        Height = height;
        BitDepth = bitDepth;
        ColorType = colorType;
        ChunkTypes = chunkTypes;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    public byte BitDepth { get; }

    public byte ColorType { get; }

    public IReadOnlyList<string> ChunkTypes { get; }

    /// <summary>The inflated scanlines: a filter byte then the row's bytes, for every row.</summary>
    public byte[] Pixels { get; }

    public static PngFile Parse(byte[] data)
    {
        Assert.True(data.AsSpan().StartsWith(Signature), "The file does not start with the PNG signature.");
        var offset = Signature.Length;
        var types = new List<string>();
        using var idat = new MemoryStream();
        int width = 0, height = 0;
        byte bitDepth = 0, colorType = 0;
        while (offset < data.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(offset));
            var typeAndData = data.AsSpan(offset + 4, 4 + length);
            var type = Encoding.ASCII.GetString(typeAndData[..4]);
            var chunk = typeAndData[4..];
            var crc = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(offset + 8 + length));
            Assert.Equal(Crc(typeAndData), crc);
            types.Add(type);
            switch (type)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(chunk);
                    height = BinaryPrimitives.ReadInt32BigEndian(chunk[4..]);
                    bitDepth = chunk[8];
                    colorType = chunk[9];
                    break;
                case "IDAT":
                    idat.Write(chunk);
                    break;
            }

            offset += 12 + length;
        }

        Assert.Equal(data.Length, offset);
        idat.Position = 0;
        using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
        using var pixels = new MemoryStream();
        zlib.CopyTo(pixels);
        return new PngFile(width, height, bitDepth, colorType, types, pixels.ToArray());
    }

    // Bitwise CRC-32, deliberately unlike the emulator's table-driven one.
    private static uint Crc(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
