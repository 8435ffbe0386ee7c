
#if PACKAGE_WRITER
namespace SoundStorm.Export.Packaging;
#else
namespace SoundStorm.Onnx.Packages;
#endif

/// <summary>
/// The one check of integer tensors that index into a graph's tables — codes, token ids, levels, steps — before a
/// graph sees them. ONNX Gather reads a negative index from the end of its table, so −1 would silently pick the last
/// entry instead of failing; <c>decode</c> (through <see cref="NeuralCodec.Decode"/>) and <c>run-graph</c> refuse
/// it here alike.
/// </summary>
static partial class GraphIndices
{
    /// <summary>Throws naming the first value outside 0..<paramref name="count"/>−1 by its position in <paramref name="shape"/>.</summary>
    /// <param name="values">The tensor's values, row-major.</param>
    /// <param name="shape">The tensor's shape (for the position in the message).</param>
    /// <param name="count">
    /// Entries in the table the values index (e.g. the codebook size V), or null where only the graph knows it: then only
    /// negative values are refused, and ONNX Runtime refuses the ones past the table itself.
    /// </param>
    /// <param name="what">How the message names the tensor, e.g. "Code" or "--in 'codes' (codes.npy)".</param>
    /// <param name="paramName">The argument the values came in, for <see cref="ArgumentException.ParamName"/>.</param>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public static void ThrowIfOutOfRange(ReadOnlySpan<long> values, ReadOnlySpan<int> shape, long? count, string what, string? paramName = null)
    {
        for (int i = 0; i < values.Length; i++)
        {
            long v = values[i];
            if (v >= 0 && (count is not { } n || v < n)) continue;
            string at = $"{what} [{Position(i, shape)}] = {v.ToString(CultureInfo.InvariantCulture)}";
            throw new ArgumentException(count is { } c
                ? $"{at} is outside 0..{(c - 1).ToString(CultureInfo.InvariantCulture)}."
                : $"{at} is negative; indices into a graph's tables are 0 or more (ONNX Gather would read it from the end of the table).", paramName);
        }
    }

    // The row-major flat index as one index per dimension, e.g. 7 in [2, 4] → "1, 3".
    private static string Position(int flat, ReadOnlySpan<int> shape)
    {
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? flat : flat / shape[d];
        }
        return string.Join(", ", index);
    }
}
