using System.Buffers.Binary;
using System.IO.Compression;

namespace GptImageHub.Emulator.Png;

/// <summary>
/// Writes a minimal, valid PNG: 8-bit truecolour, no interlace, one IDAT chunk of zlib data, with
/// every chunk's CRC. Rows are produced one at a time and compressed as they come.
/// </summary>
internal static class PngEncoder
{
    private const byte ColorTypeTruecolor = 2;
    private const byte FilterNone = 0;

    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    public static byte[] Encode(int width, int height, PngRowWriter writeRow)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);

        var compressed = Compress(width, height, writeRow);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;
        header[9] = ColorTypeTruecolor;
        header[10] = 0;
        header[11] = 0;
        header[12] = 0;

        var idat = compressed.GetBuffer().AsSpan(0, (int)compressed.Length);
        using var output = new MemoryStream(Signature.Length + (3 * 12) + header.Length + idat.Length);
        output.Write(Signature);
        WriteChunk(output, "IHDR"u8, header);
        WriteChunk(output, "IDAT"u8, idat);
        WriteChunk(output, "IEND"u8, []);
        return output.ToArray();
    }

    private static MemoryStream Compress(int width, int height, PngRowWriter writeRow)
    {
        var compressed = new MemoryStream();
        var row = new byte[1 + (3 * width)];
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            for (var y = 0; y < height; y++)
            {
                row[0] = FilterNone;
                writeRow(y, row.AsSpan(1));
                zlib.Write(row);
            }
        }

        return compressed;
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> field = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(field, data.Length);
        output.Write(field);
        output.Write(type);
        output.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(field, Crc32.Compute(type, data));
        output.Write(field);
    }
}
