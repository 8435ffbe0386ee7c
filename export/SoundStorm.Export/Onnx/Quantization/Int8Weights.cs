namespace SoundStorm.Export.Onnx.Quantization;

/// <summary>
/// Symmetric per-output-channel int8 weights: for a [K, N] matrix, column n is stored as
/// q[k, n] = clamp(round(w[k, n] / s[n]), −127, 127) with s[n] = max_k |w[k, n]| / 127, so w ≈ q · s. The range is
/// ±127, not −128: symmetric around zero, the zero point is 0 and needs no correction term in the integer product.
/// </summary>
public sealed class Int8Weights
{
    private Int8Weights(sbyte[] values, float[] scales, long rows, long columns)
    {
        Values = values;
        Scales = scales;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>The int8 values, row-major [K, N].</summary>
    public IReadOnlyList<sbyte> Values { get; }

    /// <summary>One scale per column (output channel).</summary>
    public IReadOnlyList<float> Scales { get; }

    /// <summary>K: input features.</summary>
    public long Rows { get; }

    /// <summary>N: output features.</summary>
    public long Columns { get; }

    /// <summary>Quantises a row-major [<paramref name="rows"/>, <paramref name="columns"/>] float matrix.</summary>
    /// <exception cref="OnnxFormatException">The matrix holds a value that is not finite.</exception>
    public static Int8Weights Quantize(ReadOnlySpan<float> matrix, long rows, long columns, string name)
    {
        if (matrix.Length != rows * columns)
            throw new ArgumentException($"'{name}': {matrix.Length} values do not fill [{rows}, {columns}].", nameof(matrix));
        var scales = new float[columns];
        for (long k = 0; k < rows; k++)
            for (long n = 0; n < columns; n++)
            {
                float v = matrix[(int)(k * columns + n)];
                if (!float.IsFinite(v)) throw new OnnxFormatException($"Initializer '{name}' holds {v}, which int8 quantisation cannot store; keep this graph in float32.");
                scales[n] = Math.Max(scales[n], Math.Abs(v));
            }
        // An all-zero column gets scale 1: its values quantise to 0 either way, and a zero scale would divide by zero.
        for (long n = 0; n < columns; n++) scales[n] = scales[n] > 0 ? scales[n] / 127f : 1f;
        var values = new sbyte[matrix.Length];
        for (long k = 0; k < rows; k++)
            for (long n = 0; n < columns; n++)
            {
                long i = k * columns + n;
                values[i] = (sbyte)Math.Clamp(MathF.Round(matrix[(int)i] / scales[n], MidpointRounding.ToEven), -127f, 127f);
            }
        return new Int8Weights(values, scales, rows, columns);
    }

    /// <summary>The weight as the quantised graph sees it: q[k, n] · s[n].</summary>
    public double Dequantized(long row, long column) => Values[(int)(row * Columns + column)] * (double)Scales[(int)column];

    /// <summary>The values as an int8 initializer [K, N].</summary>
    public TensorData ToTensorData()
    {
        var bytes = new byte[Values.Count];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = unchecked((byte)Values[i]);
        return TensorData.FromBytes(ElementType.Int8, bytes, Rows, Columns);
    }

    /// <summary>The scales as a float initializer [N].</summary>
    public TensorData ScalesTensor() => TensorData.FromFloat(Scales.ToArray(), Columns);
}
