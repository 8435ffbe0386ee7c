using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace SoundStorm.Tests.Shared;

/// <summary>
/// Writes zip files byte by byte, so security tests can build archives no well-behaved zip library would: names that
/// climb out of the folder, central-directory entries that share one record's data (overlapping-entry zip bombs),
/// and sizes that lie.
/// </summary>
public static class RawZip
{
    /// <summary>One record. <paramref name="SharesDataOf"/> names an earlier record whose local header and data this
    /// entry points at instead of having its own; <paramref name="DeclaredSize"/> overrides the uncompressed size.</summary>
    public sealed record Entry(string Name, byte[] Data, bool Deflate = false, string? SharesDataOf = null, uint? DeclaredSize = null);

    public static byte[] Build(params Entry[] entries)
    {
        using var zip = new MemoryStream();
        var central = new MemoryStream();
        var placed = new Dictionary<string, (uint Offset, uint Crc, uint Compressed, uint Size)>();
        foreach (var entry in entries)
        {
            byte[] name = Encoding.UTF8.GetBytes(entry.Name);
            (uint offset, uint crc, uint compressed, uint size) = entry.SharesDataOf is { } other ? placed[other] : WriteLocal(zip, name, entry);
            placed[entry.Name] = (offset, crc, compressed, size);
            var header = new byte[46];
            BinaryPrimitives.WriteUInt32LittleEndian(header, 0x02014b50);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 20);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(6), 20);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(10), (ushort)(entry.Deflate ? 8 : 0));
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), crc);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(20), compressed);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24), entry.DeclaredSize ?? size);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(28), (ushort)name.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(42), offset);
            central.Write(header);
            central.Write(name);
        }

        long directoryOffset = zip.Position;
        central.Position = 0;
        central.CopyTo(zip);
        var end = new byte[22];
        BinaryPrimitives.WriteUInt32LittleEndian(end, 0x06054b50);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(8), (ushort)entries.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(end.AsSpan(10), (ushort)entries.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(12), (uint)central.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(end.AsSpan(16), (uint)directoryOffset);
        zip.Write(end);
        return zip.ToArray();
    }

    private static (uint, uint, uint, uint) WriteLocal(MemoryStream zip, byte[] name, Entry entry)
    {
        uint offset = (uint)zip.Position;
        uint crc = Crc32(entry.Data);
        byte[] stored = entry.Deflate ? Deflate(entry.Data) : entry.Data;
        var header = new byte[30];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0x04034b50);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 20);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), (ushort)(entry.Deflate ? 8 : 0));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(14), crc);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(18), (uint)stored.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(22), entry.DeclaredSize ?? (uint)entry.Data.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(26), (ushort)name.Length);
        zip.Write(header);
        zip.Write(name);
        zip.Write(stored);
        return (offset, crc, (uint)stored.Length, (uint)entry.Data.Length);
    }

    private static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.SmallestSize, leaveOpen: true)) deflate.Write(data);
        return output.ToArray();
    }

    /// <summary>The zip CRC-32 (reflected polynomial 0xEDB88320), bit by bit: test data is small.</summary>
    private static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }

        return ~crc;
    }
}
