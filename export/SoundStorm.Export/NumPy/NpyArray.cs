namespace SoundStorm.Export.NumPy;

/// <summary>
/// An n-dimensional array as stored in a <c>.npy</c> file: element type, shape and the elements in C (row-major) order.
/// </summary>
public sealed class NpyArray
{
    private readonly int[] _shape;

    /// <summary>Wraps <paramref name="data"/> (not copied) as an array of the given shape.</summary>
    /// <param name="data">A one-dimensional CLR array of a supported element type (float, long, bool, ...).</param>
    /// <param name="shape">The dimensions; their product must equal the data length. Empty = a scalar.</param>
    /// <exception cref="ArgumentException">The element type is unsupported or the shape does not match the data length.</exception>
    public NpyArray(Array data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        if (data.Rank != 1)
            throw new ArgumentException("Data must be a one-dimensional array in C order.", nameof(data));
        ElementType = NpyElementTypes.FromClrType(data.GetType().GetElementType()!);
        long count = 1;
        foreach (int dim in shape)
        {
            if (dim < 0)
                throw new ArgumentException($"Shape dimensions must be non-negative; found {dim}.", nameof(shape));
            count *= dim;
        }
        if (count != data.Length)
            throw new ArgumentException(
                $"Shape ({string.Join(", ", shape)}) holds {count} elements but the data has {data.Length}.", nameof(shape));
        _shape = (int[])shape.Clone();
        Data = data;
    }

    /// <summary>The element type.</summary>
    public NpyElementType ElementType { get; }

    /// <summary>The dimensions (empty for a scalar).</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>The elements in C order, as a CLR array of the element type (e.g. <c>float[]</c> for <see cref="NpyElementType.Float32"/>).</summary>
    public Array Data { get; }

    /// <summary>The number of elements.</summary>
    public int Length => Data.Length;

    /// <summary>The elements as a typed array (no copy) when <typeparamref name="T"/> is the stored type.</summary>
    /// <exception cref="InvalidCastException">The stored element type is not <typeparamref name="T"/>.</exception>
    public T[] As<T>() => Data as T[]
        ?? throw new InvalidCastException($"The array holds {ElementType} elements, not {typeof(T).Name}.");

    /// <summary>The elements converted to <see cref="float"/> (a copy; integers and booleans convert exactly where representable).</summary>
    public float[] ToFloat32()
    {
        var result = new float[Length];
        switch (Data)
        {
            case float[] f: f.CopyTo(result, 0); break;
            case double[] d: for (int i = 0; i < d.Length; i++) result[i] = (float)d[i]; break;
            case Half[] h: for (int i = 0; i < h.Length; i++) result[i] = (float)h[i]; break;
            case bool[] b: for (int i = 0; i < b.Length; i++) result[i] = b[i] ? 1f : 0f; break;
            default:
                long[] asLong = ToInt64();
                for (int i = 0; i < asLong.Length; i++) result[i] = asLong[i];
                break;
        }
        return result;
    }

    /// <summary>The elements converted to <see cref="long"/> (a copy).</summary>
    /// <exception cref="InvalidCastException">A floating-point element is not a whole number in range, or an unsigned value exceeds <see cref="long.MaxValue"/>.</exception>
    public long[] ToInt64()
    {
        var result = new long[Length];
        switch (Data)
        {
            case long[] l: l.CopyTo(result, 0); break;
            case int[] a: for (int i = 0; i < a.Length; i++) result[i] = a[i]; break;
            case short[] a: for (int i = 0; i < a.Length; i++) result[i] = a[i]; break;
            case sbyte[] a: for (int i = 0; i < a.Length; i++) result[i] = a[i]; break;
            case byte[] a: for (int i = 0; i < a.Length; i++) result[i] = a[i]; break;
            case ushort[] a: for (int i = 0; i < a.Length; i++) result[i] = a[i]; break;
            case uint[] a: for (int i = 0; i < a.Length; i++) result[i] = a[i]; break;
            case bool[] a: for (int i = 0; i < a.Length; i++) result[i] = a[i] ? 1 : 0; break;
            case ulong[] a:
                for (int i = 0; i < a.Length; i++)
                    result[i] = a[i] <= long.MaxValue ? (long)a[i]
                        : throw new InvalidCastException($"Element {i} ({a[i]}) exceeds the Int64 range.");
                break;
            case float[] a: for (int i = 0; i < a.Length; i++) result[i] = WholeNumber(a[i], i); break;
            case double[] a: for (int i = 0; i < a.Length; i++) result[i] = WholeNumber(a[i], i); break;
            case Half[] a: for (int i = 0; i < a.Length; i++) result[i] = WholeNumber((double)a[i], i); break;
        }
        return result;
    }

    private static long WholeNumber(double value, int index)
    {
        // 2^63 is exactly representable; anything at or above it does not fit.
        if (double.IsFinite(value) && Math.Floor(value) == value && value >= -9.2233720368547758E18 && value < 9.2233720368547758E18)
            return (long)value;
        throw new InvalidCastException($"Element {index} ({value}) is not a whole number in the Int64 range.");
    }
}
