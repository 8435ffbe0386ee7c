using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace SoundStorm.Export.NumPy;

/// <summary>
/// Reads and writes NumPy <c>.npy</c> files (format versions 1, 2 and 3; C order; numeric and boolean element types).
/// </summary>
public static class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Header lengths above this are refused before anything is allocated (NumPy's own limit is 10 000 bytes).</summary>
    internal const int MaxHeaderLength = 1 << 20;

    /// <summary>Reads a <c>.npy</c> file.</summary>
    /// <exception cref="NpyFormatException">The file is not a valid .npy file or uses an unsupported feature.</exception>
    public static NpyArray Read(string path)
    {
        using var stream = File.OpenRead(path);
        try
        {
            return Read(stream);
        }
        catch (NpyFormatException e)
        {
            throw new NpyFormatException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Reads a <c>.npy</c> array from the current position of <paramref name="stream"/>.</summary>
    /// <exception cref="NpyFormatException">The data is not a valid .npy array or uses an unsupported feature.</exception>
    public static NpyArray Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> prefix = stackalloc byte[8];
        ReadExactly(stream, prefix, "the magic string and version");
        if (!prefix[..6].SequenceEqual(Magic))
            throw new NpyFormatException("Not a .npy file: the magic string \\x93NUMPY is missing.");
        byte major = prefix[6];
        int headerLength;
        if (major == 1)
        {
            Span<byte> len = stackalloc byte[2];
            ReadExactly(stream, len, "the header length");
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(len);
        }
        else if (major is 2 or 3)
        {
            Span<byte> len = stackalloc byte[4];
            ReadExactly(stream, len, "the header length");
            uint value = BinaryPrimitives.ReadUInt32LittleEndian(len);
            if (value > MaxHeaderLength)
                throw new NpyFormatException($"The .npy header claims {value} bytes; at most {MaxHeaderLength} are accepted.");
            headerLength = (int)value;
        }
        else
        {
            throw new NpyFormatException($"Unsupported .npy format version {major}.{prefix[7]}; versions 1, 2 and 3 are supported.");
        }

        var headerBytes = new byte[headerLength];
        ReadExactly(stream, headerBytes, "the header");
        string headerText = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        var header = NpyHeader.Parse(headerText);

        long count = 1;
        foreach (int dim in header.Shape)
        {
            count *= dim;
            if (count > Array.MaxLength)
                throw new NpyFormatException($"The .npy shape ({string.Join(", ", header.Shape)}) has more elements than a .NET array can hold.");
        }
        int elementSize = NpyElementTypes.SizeOf(header.ElementType);
        long byteCount = count * elementSize;
        if (byteCount > Array.MaxLength)
            throw new NpyFormatException($"The .npy array needs {byteCount} bytes; at most {Array.MaxLength} are supported.");
        if (stream.CanSeek && stream.Length - stream.Position < byteCount)
            throw new NpyFormatException(
                $"The .npy data is truncated: shape ({string.Join(", ", header.Shape)}) of {header.ElementType} needs {byteCount} bytes, " +
                $"{stream.Length - stream.Position} remain.");

        if (!stream.CanSeek)
        {
            // The length cannot be checked up front, so take the bytes as they come (growing a buffer) before
            // allocating the array: a header that claims gigabytes must not allocate them from a few bytes of input.
            var buffered = new MemoryStream();
            CopyAtMost(stream, buffered, byteCount);
            if (buffered.Length < byteCount)
                throw new NpyFormatException(
                    $"The .npy data is truncated: shape ({string.Join(", ", header.Shape)}) of {header.ElementType} needs {byteCount} bytes, " +
                    $"{buffered.Length} remain.");
            buffered.Position = 0;
            stream = buffered;
        }

        Array data = NpyElementTypes.Allocate(header.ElementType, (int)count);
        Span<byte> bytes = AsBytes(data);
        ReadExactly(stream, bytes, "the array data");
        if (header.BigEndian && elementSize > 1)
            ReverseEachElement(bytes, elementSize);
        if (header.ElementType == NpyElementType.Bool)
        {
            // A bool in .NET must be 0 or 1; NumPy writes exactly those, anything else is corruption.
            foreach (byte b in bytes)
                if (b > 1) throw new NpyFormatException($"A boolean element holds the byte {b}; expected 0 or 1.");
        }
        return new NpyArray(data, header.Shape);
    }

    /// <summary>Writes <paramref name="array"/> as a little-endian, C-order <c>.npy</c> file (version 1.0, or 2.0 for very long headers).</summary>
    /// <remarks>The file is written under a temporary name and moved into place, so a failure leaves no partial file.</remarks>
    public static void Write(string path, NpyArray array)
    {
        string temp = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            using (var stream = File.Create(temp)) Write(stream, array);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>Writes <paramref name="array"/> to <paramref name="stream"/> in <c>.npy</c> format.</summary>
    public static void Write(Stream stream, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        string dict = new NpyHeader(array.ElementType, false, [.. array.Shape]).Format();
        bool version1 = dict.Length + 1 + 10 <= ushort.MaxValue;
        int prefixLength = version1 ? 10 : 12;
        // Pad with spaces so that the data starts on a 64-byte boundary; the header ends with '\n'.
        int total = (prefixLength + dict.Length + 1 + 63) / 64 * 64;
        string header = dict.PadRight(total - prefixLength - 1) + "\n";

        stream.Write(Magic);
        stream.WriteByte(version1 ? (byte)1 : (byte)2);
        stream.WriteByte(0);
        Span<byte> len = stackalloc byte[4];
        if (version1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length);
            stream.Write(len[..2]);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)header.Length);
            stream.Write(len);
        }
        stream.Write(Encoding.Latin1.GetBytes(header));

        Span<byte> bytes = AsBytes(array.Data);
        if (!BitConverter.IsLittleEndian && NpyElementTypes.SizeOf(array.ElementType) > 1)
        {
            byte[] copy = bytes.ToArray();
            ReverseEachElement(copy, NpyElementTypes.SizeOf(array.ElementType));
            stream.Write(copy);
        }
        else
        {
            stream.Write(bytes);
        }
    }

    private static Span<byte> AsBytes(Array data) =>
        MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(data),
            checked(data.Length * NpyElementTypes.SizeOf(NpyElementTypes.FromClrType(data.GetType().GetElementType()!))));

    private static void CopyAtMost(Stream source, Stream destination, long limit)
    {
        var buffer = new byte[81920];
        int n;
        while (limit > 0 && (n = source.Read(buffer, 0, (int)Math.Min(buffer.Length, limit))) > 0)
        {
            destination.Write(buffer, 0, n);
            limit -= n;
        }
    }

    private static void ReverseEachElement(Span<byte> bytes, int size)
    {
        for (int i = 0; i < bytes.Length; i += size)
            bytes.Slice(i, size).Reverse();
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string what)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException e)
        {
            throw new NpyFormatException($"The .npy data ends early while reading {what}.", e);
        }
    }
}
