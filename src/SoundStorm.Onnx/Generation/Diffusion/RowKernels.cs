using System.Numerics;

namespace SoundStorm.Onnx.Generation.Diffusion;

/// <summary>
/// Whole-row steps of the diffusion sampler that would otherwise take two to four passes of
/// <see cref="System.Numerics.Tensors.TensorPrimitives"/> each, written as one vector loop. Each does the same IEEE
/// operations in the same order on every element as the passes it replaces (adding −a is subtracting a; no fused
/// multiply-add), so the results are the same bits; only the number of trips through memory changes — at 2,000 rows
/// of 1,027 classes per step, those trips were a good part of the sampler's time.
/// </summary>
internal static class RowKernels
{
    /// <summary>destination[k] = (float)min(max(x[k] + offset, floor), 0).</summary>
    public static void OffsetClampToFloat(ReadOnlySpan<double> x, double offset, double floor, Span<float> destination)
    {
        int n = x.Length, width = Vector<double>.Count, k = 0;
        var add = new Vector<double>(offset);
        var low = new Vector<double>(floor);
        for (; k <= n - 2 * width; k += 2 * width)
        {
            var first = Vector.Min(Vector.Max(new Vector<double>(x[k..]) + add, low), Vector<double>.Zero);
            var second = Vector.Min(Vector.Max(new Vector<double>(x[(k + width)..]) + add, low), Vector<double>.Zero);
            Vector.Narrow(first, second).CopyTo(destination[k..]);
        }
        for (; k < n; k++) destination[k] = (float)Math.Min(Math.Max(x[k] + offset, floor), 0);
    }

    /// <summary>destination[k] = p[k] · scale + shift (two roundings, as a multiply pass then an add pass).</summary>
    public static void ScaleShift(ReadOnlySpan<double> p, double scale, double shift, Span<double> destination)
    {
        int n = p.Length, width = Vector<double>.Count, k = 0;
        var a = new Vector<double>(scale);
        var b = new Vector<double>(shift);
        for (; k <= n - width; k += width) (new Vector<double>(p[k..]) * a + b).CopyTo(destination[k..]);
        for (; k < n; k++) destination[k] = p[k] * scale + shift;
    }

    /// <summary>
    /// The first k maximising (double)scores[k] − noise[k], over noise's length: the Gumbel-max draw once noise holds
    /// log(−log u) per class.
    /// </summary>
    public static int ArgMaxOfDifference(ReadOnlySpan<float> scores, ReadOnlySpan<double> noise)
    {
        int n = noise.Length, width = Vector<double>.Count, k = 0;
        int best = -1;
        double bestValue = double.NegativeInfinity;
        if (n >= 2 * width)
        {
            // Per lane: its largest value and the first index that reached it; then the lanes are merged, ties to the
            // lower index, which is the first index overall.
            var laneBest = new Vector<double>(double.NegativeInfinity);
            var laneIndex = new Vector<long>(-1);
            var index = Vector<long>.Indices;
            var step = new Vector<long>(width);
            for (; k <= n - 2 * width; k += 2 * width)
            {
                Vector.Widen(new Vector<float>(scores[k..]), out var low, out var high);
                var value = low - new Vector<double>(noise[k..]);
                var better = Vector.GreaterThan(value, laneBest);
                laneBest = Vector.ConditionalSelect(better, value, laneBest);
                laneIndex = Vector.ConditionalSelect(better, index, laneIndex);
                index += step;
                value = high - new Vector<double>(noise[(k + width)..]);
                better = Vector.GreaterThan(value, laneBest);
                laneBest = Vector.ConditionalSelect(better, value, laneBest);
                laneIndex = Vector.ConditionalSelect(better, index, laneIndex);
                index += step;
            }
            for (int lane = 0; lane < width; lane++)
                if (laneIndex[lane] >= 0 && (laneBest[lane] > bestValue || (laneBest[lane] == bestValue && laneIndex[lane] < best)))
                    (bestValue, best) = (laneBest[lane], (int)laneIndex[lane]);
        }
        for (; k < n; k++)
        {
            double value = scores[k] - noise[k];
            if (value > bestValue || best < 0) (bestValue, best) = (value, k);
        }
        return Math.Max(best, 0); // only rows of NaN have no maximum
    }
}
