using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace SoundStorm.Export.Checkpoints;

/// <summary>
/// An immutable tensor read from (or to be written to) a checkpoint: name, element type, shape and the
/// elements as contiguous little-endian row-major bytes.
/// </summary>
public sealed class CheckpointTensor
{
    private readonly long[] _shape;

    /// <summary>Creates a tensor; the byte length must equal the element count times the item size.</summary>
    /// <param name="name">The tensor's name (may be empty for tensors that are not yet named).</param>
    /// <param name="dtype">The element type.</param>
    /// <param name="shape">The dimensions (empty for a scalar); none negative.</param>
    /// <param name="data">Contiguous little-endian row-major bytes. Not copied: the caller must not change them afterwards.</param>
    /// <exception cref="ArgumentException">A negative dimension or a byte length that does not match the shape.</exception>
    public CheckpointTensor(string name, CheckpointDType dtype, IReadOnlyList<long> shape, ReadOnlyMemory<byte> data)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(shape);
        _shape = [.. shape];
        ElementCount = CountElements(_shape)
            ?? throw new ArgumentException($"Tensor '{name}': invalid shape [{string.Join(", ", _shape)}].", nameof(shape));
        long expected = ElementCount * dtype.ItemSize();
        if (data.Length != expected)
        {
            throw new ArgumentException(
                $"Tensor '{name}': {dtype} shape [{string.Join(", ", _shape)}] needs {expected} bytes, got {data.Length}.", nameof(data));
        }

        Name = name;
        DType = dtype;
        Data = data;
    }

    /// <summary>The tensor's name (the state-dict key), or empty when it has none.</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public CheckpointDType DType { get; }

    /// <summary>The dimensions; empty for a 0-d scalar.</summary>
    public IReadOnlyList<long> Shape => _shape;

    /// <summary>Number of elements (product of <see cref="Shape"/>; 1 for a scalar).</summary>
    public long ElementCount { get; }

    /// <summary>The elements as contiguous little-endian row-major bytes.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Whether PyTorch saved the tensor with <c>requires_grad</c> set.</summary>
    public bool RequiresGrad { get; init; }

    /// <summary>Whether PyTorch saved the tensor as an <c>nn.Parameter</c>.</summary>
    public bool IsParameter { get; init; }

    /// <summary>The same tensor (sharing its bytes) under another name.</summary>
    /// <param name="name">The new name.</param>
    public CheckpointTensor WithName(string name) =>
        new(name, DType, _shape, Data) { RequiresGrad = RequiresGrad, IsParameter = IsParameter };

    /// <summary>Creates a float32 tensor from values in row-major order (copied).</summary>
    /// <param name="name">The tensor's name.</param>
    /// <param name="shape">The dimensions.</param>
    /// <param name="values">The values; their count must match the shape.</param>
    public static CheckpointTensor FromFloat32(string name, IReadOnlyList<long> shape, ReadOnlySpan<float> values) =>
        new(name, CheckpointDType.F32, shape, ToLittleEndianBytes(values));

    /// <summary>Creates an int64 tensor from values in row-major order (copied).</summary>
    /// <param name="name">The tensor's name.</param>
    /// <param name="shape">The dimensions.</param>
    /// <param name="values">The values; their count must match the shape.</param>
    public static CheckpointTensor FromInt64(string name, IReadOnlyList<long> shape, ReadOnlySpan<long> values) =>
        new(name, CheckpointDType.I64, shape, ToLittleEndianBytes(values));

    /// <summary>The elements converted to float32 (float16/bfloat16 exactly, float64 and integers rounded to nearest).</summary>
    public float[] ToFloat32()
    {
        var result = new float[ElementCount];
        ReadOnlySpan<byte> bytes = Data.Span;
        switch (DType)
        {
            case CheckpointDType.F32:
                for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                break;
            case CheckpointDType.F16:
                for (int i = 0; i < result.Length; i++) result[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(2 * i)..]);
                break;
            case CheckpointDType.BF16:
                // bfloat16 is the upper 16 bits of a float32, so widening is exact.
                for (int i = 0; i < result.Length; i++)
                    result[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16);
                break;
            default:
                double[] wide = ToFloat64();
                for (int i = 0; i < result.Length; i++) result[i] = (float)wide[i];
                break;
        }

        return result;
    }

    /// <summary>The elements converted to float64 (exact for every type except int64 beyond 2^53).</summary>
    public double[] ToFloat64()
    {
        if (DType == CheckpointDType.F64)
        {
            var wide = new double[ElementCount];
            ReadOnlySpan<byte> bytes = Data.Span;
            for (int i = 0; i < wide.Length; i++) wide[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * i)..]);
            return wide;
        }

        if (DType.IsFloatingPoint())
        {
            return Array.ConvertAll(ToFloat32(), v => (double)v);
        }

        return Array.ConvertAll(ToInt64(), v => (double)v);
    }

    /// <summary>The elements of an integer or bool tensor as int64.</summary>
    /// <exception cref="InvalidOperationException">The tensor holds floating-point values.</exception>
    public long[] ToInt64()
    {
        var result = new long[ElementCount];
        ReadOnlySpan<byte> bytes = Data.Span;
        switch (DType)
        {
            case CheckpointDType.I64:
                for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes[(8 * i)..]);
                break;
            case CheckpointDType.I32:
                for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]);
                break;
            case CheckpointDType.I16:
                for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes[(2 * i)..]);
                break;
            case CheckpointDType.I8:
                for (int i = 0; i < result.Length; i++) result[i] = (sbyte)bytes[i];
                break;
            case CheckpointDType.U8:
            case CheckpointDType.Bool:
                for (int i = 0; i < result.Length; i++) result[i] = bytes[i];
                break;
            default:
                throw new InvalidOperationException($"Tensor '{Name}' holds {DType} values; ToInt64 needs an integer or bool tensor.");
        }

        return result;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {DType}[{string.Join(", ", _shape)}]";

    /// <summary>Product of the dimensions, or null when one is negative or the product overflows.</summary>
    internal static long? CountElements(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (long dim in shape)
        {
            if (dim < 0) return null;
            try { count = checked(count * dim); }
            catch (OverflowException) { return null; }
        }

        return count;
    }

    private static byte[] ToLittleEndianBytes<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        byte[] bytes = MemoryMarshal.AsBytes(values).ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Checkpoint tensors are little-endian; big-endian hosts are not supported.");
        }

        return bytes;
    }
}
