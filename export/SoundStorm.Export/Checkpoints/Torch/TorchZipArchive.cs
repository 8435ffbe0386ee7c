using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace SoundStorm.Export.Checkpoints;

/// <summary>
/// A minimal read-only zip reader for torch's checkpoint archives: central directory (with zip64), then each
/// record's local header for where its data really starts (torch pads local headers to align data). Records are
/// normally stored; deflated ones are inflated.
/// </summary>
internal sealed class TorchZipArchive
{
    private const uint EndOfCentralDirectorySignature = 0x06054b50, Zip64EndSignature = 0x06064b50;
    private const uint Zip64LocatorSignature = 0x07064b50, CentralHeaderSignature = 0x02014b50, LocalHeaderSignature = 0x04034b50;
    private const long MaxCentralDirectoryBytes = 256L << 20;

    private readonly Stream _stream;
    private readonly string _source;
    private readonly Dictionary<string, Entry> _entries;
    private readonly HashSet<long> _localHeadersRead = [];
    private long _consumed;

    private sealed record Entry(string Name, ushort Method, ushort Flags, long CompressedSize, long Size, long LocalHeaderOffset);

    private TorchZipArchive(Stream stream, string source, Dictionary<string, Entry> entries)
    {
        _stream = stream;
        _source = source;
        _entries = entries;
    }

    internal IEnumerable<string> Names => _entries.Keys;

    internal bool Contains(string name) => _entries.ContainsKey(name);

    /// <summary>Whether a stream starts like a zip file (a local file header).</summary>
    internal static bool LooksLikeZip(ReadOnlySpan<byte> start) =>
        start.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(start) == LocalHeaderSignature;

    internal static TorchZipArchive Open(Stream stream, string source)
    {
        long length = stream.Length;
        var (count, directoryOffset, directorySize) = FindCentralDirectory(stream, length, source);
        if (directorySize > MaxCentralDirectoryBytes || directoryOffset < 0 || directoryOffset > length - directorySize || count < 0 || count > directorySize / 46)
        {
            throw Fail(source, $"central directory ({count} entries, {directorySize} bytes at {directoryOffset}) does not fit the {length}-byte file");
        }

        byte[] directory = ReadAt(stream, directoryOffset, (int)directorySize, source, "central directory");
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        int p = 0;
        for (long i = 0; i < count; i++)
        {
            if (p + 46 > directory.Length || BinaryPrimitives.ReadUInt32LittleEndian(directory.AsSpan(p)) != CentralHeaderSignature)
            {
                throw Fail(source, $"central directory entry {i} is truncated or has a bad signature");
            }

            ReadOnlySpan<byte> h = directory.AsSpan(p);
            ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(h[8..]);
            ushort method = BinaryPrimitives.ReadUInt16LittleEndian(h[10..]);
            long compressed = BinaryPrimitives.ReadUInt32LittleEndian(h[20..]);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(h[24..]);
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(h[28..]);
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(h[30..]);
            int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(h[32..]);
            long localOffset = BinaryPrimitives.ReadUInt32LittleEndian(h[42..]);
            if (p + 46 + nameLength + extraLength + commentLength > directory.Length)
            {
                throw Fail(source, $"central directory entry {i} runs past the directory");
            }

            string name = Encoding.UTF8.GetString(h.Slice(46, nameLength));
            ApplyZip64Extra(h.Slice(46 + nameLength, extraLength), ref size, ref compressed, ref localOffset, source, name);
            if (!entries.TryAdd(name, new Entry(name, method, flags, compressed, size, localOffset)))
            {
                throw Fail(source, $"record '{name}' appears twice");
            }

            p += 46 + nameLength + extraLength + commentLength;
        }

        return new TorchZipArchive(stream, source, entries);
    }

    /// <summary>Reads a whole record; <paramref name="maxBytes"/> caps its declared size before anything is allocated.</summary>
    internal byte[] Read(string name, long maxBytes)
    {
        if (!_entries.TryGetValue(name, out Entry? entry)) throw Fail(_source, $"record '{name}' is missing");
        if ((entry.Flags & 1) != 0) throw Fail(_source, $"record '{name}' is encrypted");
        if (entry.Size > Math.Min(maxBytes, Array.MaxLength) || entry.Size < 0)
        {
            throw Fail(_source, $"record '{name}' declares {entry.Size} bytes (limit {Math.Min(maxBytes, Array.MaxLength)})");
        }

        byte[] local = ReadAt(_stream, entry.LocalHeaderOffset, 30, _source, $"local header of '{name}'");
        if (BinaryPrimitives.ReadUInt32LittleEndian(local) != LocalHeaderSignature)
        {
            throw Fail(_source, $"record '{name}': no local header at offset {entry.LocalHeaderOffset}");
        }

        long dataOffset = entry.LocalHeaderOffset + 30 + BinaryPrimitives.ReadUInt16LittleEndian(local.AsSpan(26))
            + BinaryPrimitives.ReadUInt16LittleEndian(local.AsSpan(28));
        if (entry.CompressedSize < 0 || entry.CompressedSize > _stream.Length - dataOffset)
        {
            throw Fail(_source, $"record '{name}': {entry.CompressedSize} bytes at offset {dataOffset} run past the end of the {_stream.Length}-byte file");
        }

        // The records of an honest archive occupy disjoint bytes, so together they cannot take more than the file holds.
        // More means entries share their data: an overlapping-entry zip bomb that would multiply the memory it demands.
        _consumed += entry.CompressedSize;
        if (!_localHeadersRead.Add(entry.LocalHeaderOffset) || _consumed > _stream.Length)
        {
            throw Fail(_source, $"record '{name}' shares its bytes with other records ({_consumed} bytes read from a {_stream.Length}-byte file)");
        }

        return entry.Method switch
        {
            0 when entry.CompressedSize == entry.Size => ReadAt(_stream, dataOffset, (int)entry.Size, _source, $"record '{name}'"),
            0 => throw Fail(_source, $"stored record '{name}' has compressed size {entry.CompressedSize} but size {entry.Size}"),
            8 => Inflate(entry, dataOffset),
            _ => throw Fail(_source, $"record '{name}' uses compression method {entry.Method} (only 0 = stored and 8 = deflate are supported)"),
        };
    }

    private byte[] Inflate(Entry entry, long dataOffset)
    {
        // Deflate cannot expand more than about 1032:1, so a larger declared size is corrupt (or a zip bomb).
        if (entry.Size > (entry.CompressedSize * 1032) + 1024)
        {
            throw Fail(_source, $"record '{entry.Name}' declares {entry.Size} bytes from only {entry.CompressedSize} compressed bytes");
        }

        byte[] compressed = ReadAt(_stream, dataOffset, (int)Math.Min(entry.CompressedSize, Array.MaxLength), _source, $"record '{entry.Name}'");
        var result = new byte[entry.Size];
        try
        {
            using var inflater = new DeflateStream(new MemoryStream(compressed), CompressionMode.Decompress);
            inflater.ReadExactly(result);
            if (inflater.ReadByte() >= 0) throw Fail(_source, $"record '{entry.Name}' inflates to more than its declared {entry.Size} bytes");
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw new CheckpointFormatException($"{_source}: record '{entry.Name}' does not inflate to its declared {entry.Size} bytes.", e);
        }

        return result;
    }

    private static (long Count, long Offset, long Size) FindCentralDirectory(Stream stream, long length, string source)
    {
        int tail = (int)Math.Min(length, 22 + 0xFFFF);
        byte[] end = ReadAt(stream, length - tail, tail, source, "end of file");
        for (int p = tail - 22; p >= 0; p--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(end.AsSpan(p)) != EndOfCentralDirectorySignature) continue;
            ReadOnlySpan<byte> e = end.AsSpan(p);
            long count = BinaryPrimitives.ReadUInt16LittleEndian(e[10..]);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(e[12..]);
            long offset = BinaryPrimitives.ReadUInt32LittleEndian(e[16..]);
            bool zip64 = count == 0xFFFF || size == 0xFFFFFFFF || offset == 0xFFFFFFFF;
            long eocdPosition = length - tail + p;
            return zip64 ? ReadZip64End(stream, eocdPosition, source) : (count, offset, size);
        }

        throw Fail(source, "no zip end-of-central-directory record (not a zip file, or truncated)");
    }

    private static (long Count, long Offset, long Size) ReadZip64End(Stream stream, long eocdPosition, string source)
    {
        byte[] locator = ReadAt(stream, eocdPosition - 20, 20, source, "zip64 locator");
        if (BinaryPrimitives.ReadUInt32LittleEndian(locator) != Zip64LocatorSignature) throw Fail(source, "zip64 locator is missing");
        long position = BinaryPrimitives.ReadInt64LittleEndian(locator.AsSpan(8));
        byte[] record = ReadAt(stream, position, 56, source, "zip64 end of central directory");
        if (BinaryPrimitives.ReadUInt32LittleEndian(record) != Zip64EndSignature) throw Fail(source, "zip64 end of central directory has a bad signature");
        return (BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(32)), BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(48)),
            BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(40)));
    }

    /// <summary>The zip64 extra field (id 1) holds, in order, whichever of size, compressed size and offset overflowed 32 bits.</summary>
    private static void ApplyZip64Extra(ReadOnlySpan<byte> extra, ref long size, ref long compressed, ref long offset, string source, string name)
    {
        while (extra.Length >= 4)
        {
            ushort id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
            int length = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            if (4 + length > extra.Length) throw Fail(source, $"record '{name}' has a truncated extra field");
            if (id == 1)
            {
                ReadOnlySpan<byte> z = extra.Slice(4, length);
                if (size == 0xFFFFFFFF) size = Next(ref z);
                if (compressed == 0xFFFFFFFF) compressed = Next(ref z);
                if (offset == 0xFFFFFFFF) offset = Next(ref z);
            }

            extra = extra[(4 + length)..];
        }

        long Next(ref ReadOnlySpan<byte> z)
        {
            if (z.Length < 8) throw Fail(source, $"record '{name}' has a truncated zip64 extra field");
            long value = BinaryPrimitives.ReadInt64LittleEndian(z);
            z = z[8..];
            return value;
        }
    }

    private static byte[] ReadAt(Stream stream, long offset, int count, string source, string what)
    {
        if (offset < 0 || count < 0 || offset > stream.Length - count)
        {
            throw Fail(source, $"{what}: {count} bytes at offset {offset} lie outside the {stream.Length}-byte file");
        }

        var bytes = new byte[count];
        stream.Position = offset;
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static CheckpointFormatException Fail(string source, string message) => new($"{source}: {message}.");
}
