using System.Buffers.Binary;
using System.Text;

namespace SoundStorm.Export.Checkpoints;

/// <summary>
/// Reads pickle bytes from a seekable stream up to a known end. Every length is checked against the bytes that
/// remain before anything is allocated, so a corrupt length field fails with <see cref="CheckpointFormatException"/>.
/// </summary>
internal sealed class PickleInput
{
    private const int MaxLineBytes = 1 << 16;
    private readonly Stream _stream;
    private readonly long _end;

    internal PickleInput(Stream stream, long end, string source)
    {
        _stream = stream;
        _end = end;
        Source = source;
    }

    /// <summary>Names the file (and record) in error messages.</summary>
    internal string Source { get; }

    internal long Position => _stream.Position;

    internal long Remaining => _end - _stream.Position;

    internal CheckpointFormatException Error(string message) => new($"{Source}: {message} (at byte {Position}).");

    internal byte ReadByte()
    {
        if (Remaining < 1) throw Error("unexpected end of pickle data");
        int b = _stream.ReadByte();
        return b < 0 ? throw Error("unexpected end of file") : (byte)b;
    }

    internal byte[] ReadBytes(long count, string what)
    {
        if (count < 0 || count > Remaining || count > Array.MaxLength)
        {
            throw Error($"{what}: length {count} exceeds the {Remaining} bytes that remain");
        }

        var bytes = new byte[count];
        try { _stream.ReadExactly(bytes); }
        catch (EndOfStreamException e) { throw new CheckpointFormatException($"{Source}: unexpected end of file in {what}.", e); }

        return bytes;
    }

    internal void Skip(long count, string what)
    {
        if (count < 0 || count > Remaining) throw Error($"{what}: length {count} exceeds the {Remaining} bytes that remain");
        _stream.Position += count;
    }

    internal ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2, "uint16"));

    internal int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4, "int32"));

    internal uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4, "uint32"));

    internal long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(ReadBytes(8, "int64"));

    /// <summary>BINFLOAT is the one big-endian field in pickle.</summary>
    internal double ReadDoubleBigEndian() => BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8, "float64"));

    /// <summary>A newline-terminated ASCII/UTF-8 line (text opcodes of protocol 0), without the newline.</summary>
    internal string ReadLine(string what)
    {
        var bytes = new List<byte>();
        while (true)
        {
            byte b = ReadByte();
            if (b == (byte)'\n') break;
            if (bytes.Count >= MaxLineBytes) throw Error($"{what}: line longer than {MaxLineBytes} bytes");
            bytes.Add(b);
        }

        if (bytes.Count > 0 && bytes[^1] == (byte)'\r') bytes.RemoveAt(bytes.Count - 1);
        return Encoding.UTF8.GetString([.. bytes]);
    }
}
