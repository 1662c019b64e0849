namespace GptImageHub.Emulator.Png;

/// <summary>
/// The CRC-32 that PNG chunks carry (ISO 3309, polynomial 0xEDB88320). Written here because
/// System.IO.Hashing is a package and the emulator takes no dependencies past the shared framework.
/// </summary>
internal static class Crc32
{
    private const uint Start = 0xFFFFFFFFu;

    private static readonly uint[] Table = BuildTable();

    public static uint Compute(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second) =>
        Finish(Update(Update(Start, first), second));

    private static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint Finish(uint crc) => crc ^ 0xFFFFFFFFu;

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < table.Length; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
