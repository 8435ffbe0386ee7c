using System.Runtime.InteropServices;

namespace SoundStorm.Export.Onnx;

/// <summary>
/// The contents of an initializer: element type, shape and little-endian bytes. The bytes are either held in memory
/// or produced on demand by a writer callback, so multi-gigabyte weights can stream straight into an external data
/// file without ever being held whole.
/// </summary>
public sealed class TensorData
{
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly Action<Stream>? _writer;

    private TensorData(ElementType type, long[] shape, ReadOnlyMemory<byte> bytes, Action<Stream>? writer, long byteLength)
    {
        ElementType = type;
        Shape = shape;
        _bytes = bytes;
        _writer = writer;
        ByteLength = byteLength;
        long expected = checked(ElementCount * ElementTypeInfo.SizeOf(type));
        if (expected != byteLength)
            throw new ArgumentException($"Tensor of shape [{string.Join(", ", shape)}] and type {type} needs {expected} bytes, found {byteLength}.");
    }

    /// <summary>Element type.</summary>
    public ElementType ElementType { get; }

    /// <summary>Shape (row-major).</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Number of elements (the product of the shape; 1 for a scalar).</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (long d in Shape) n = checked(n * d);
            return n;
        }
    }

    /// <summary>Size of the data in bytes.</summary>
    public long ByteLength { get; }

    /// <summary>True when the bytes are produced by a writer callback rather than held in memory.</summary>
    public bool IsStreamed => _writer is not null;

    /// <summary>Float32 tensor from values in row-major order.</summary>
    public static TensorData FromFloat(ReadOnlySpan<float> values, params long[] shape) =>
        FromBytes(ElementType.Float, MemoryMarshal.AsBytes(values).ToArray(), shape);

    /// <summary>Float16 tensor, rounding float32 values to nearest half.</summary>
    public static TensorData FromFloatAsHalf(ReadOnlySpan<float> values, params long[] shape)
    {
        var halves = new Half[values.Length];
        for (int i = 0; i < values.Length; i++) halves[i] = (Half)values[i];
        return FromBytes(ElementType.Float16, MemoryMarshal.AsBytes(halves.AsSpan()).ToArray(), shape);
    }

    /// <summary>Int64 tensor.</summary>
    public static TensorData FromInt64(ReadOnlySpan<long> values, params long[] shape) =>
        FromBytes(ElementType.Int64, MemoryMarshal.AsBytes(values).ToArray(), shape);

    /// <summary>Bool tensor.</summary>
    public static TensorData FromBool(ReadOnlySpan<bool> values, params long[] shape)
    {
        var bytes = new byte[values.Length];
        for (int i = 0; i < values.Length; i++) bytes[i] = values[i] ? (byte)1 : (byte)0;
        return FromBytes(ElementType.Bool, bytes, shape);
    }

    /// <summary>Tensor from raw little-endian bytes.</summary>
    public static TensorData FromBytes(ElementType type, ReadOnlyMemory<byte> bytes, params long[] shape)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw data is little-endian; big-endian hosts are not supported.");
        return new TensorData(type, (long[])shape.Clone(), bytes, null, bytes.Length);
    }

    /// <summary>A tensor whose bytes are written on demand (exactly <paramref name="byteLength"/> of them).</summary>
    public static TensorData Streamed(ElementType type, long[] shape, long byteLength, Action<Stream> writer) =>
        new(type, (long[])shape.Clone(), ReadOnlyMemory<byte>.Empty, writer ?? throw new ArgumentNullException(nameof(writer)), byteLength);

    /// <summary>Writes the bytes to <paramref name="destination"/> and checks the writer produced exactly the promised length.</summary>
    public void WriteTo(Stream destination)
    {
        if (_writer is null)
        {
            destination.Write(_bytes.Span);
            return;
        }
        long before = destination.Position;
        _writer(destination);
        long written = destination.Position - before;
        if (written != ByteLength)
            throw new InvalidOperationException($"Streamed tensor writer produced {written} bytes, expected {ByteLength}.");
    }

    /// <summary>The bytes as one contiguous block (only for in-memory data or streamed data under 2 GiB).</summary>
    public ReadOnlyMemory<byte> GetBytes()
    {
        if (_writer is null) return _bytes;
        if (ByteLength > Array.MaxLength) throw new InvalidOperationException($"Tensor of {ByteLength} bytes cannot be held in one array; write it as external data.");
        using var buffer = new MemoryStream((int)ByteLength);
        WriteTo(buffer);
        return buffer.GetBuffer().AsMemory(0, (int)ByteLength);
    }
}
