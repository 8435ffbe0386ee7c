namespace SoundStorm.Onnx.Packages;

/// <summary>
/// The zip CRC-32 (reflected polynomial 0xEDB88320). System.IO.Compression stops inflating an entry at its declared
/// size without a word, so an entry whose data runs on past that size shows up only as a CRC that does not match.
/// </summary>
internal static class ZipCrc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC before any byte.</summary>
    public const uint Initial = 0xFFFFFFFF;

    /// <summary>Continues <paramref name="crc"/> over <paramref name="data"/>.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    /// <summary>The final CRC value of a running <paramref name="crc"/>.</summary>
    public static uint Finish(uint crc) => ~crc;

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ 0xEDB88320 : c >> 1;
            table[i] = c;
        }
        return table;
    }
}
