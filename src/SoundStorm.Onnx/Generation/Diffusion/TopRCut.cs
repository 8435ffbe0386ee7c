using System.Numerics;
using System.Numerics.Tensors;

namespace SoundStorm.Onnx.Generation.Diffusion;

/// <summary>
/// Where top-r truncation cuts a row of probabilities, found without sorting the row. Ranked by probability (ties:
/// the lower class first), a class is kept iff the mass of the classes above it is below r, so the kept classes are a
/// prefix of the ranking: every class above a threshold probability, and the first few (by class) of those equal to it.
/// </summary>
/// <remarks>
/// Bisection on the threshold: one vector pass per round gives the mass and the number of classes above a trial
/// value, until few classes are left between a value with less than r above it and one with at least r; those few
/// are ranked exactly. A row of 1,027 classes takes about a dozen rounds, with none of the unpredictable branches of a
/// sort or a quickselect (which cost several times more on rows that differ every call). The mass above a class is
/// summed in another order than down a sorted row, which only matters when r lies within rounding of a partial sum.
/// </remarks>
internal static class TopRCut
{
    private const int FewEnough = 24;

    /// <summary>
    /// The smallest kept probability, and how many classes with exactly that probability are kept (the lowest
    /// classes among them). <paramref name="candidates"/> is scratch of the row's length.
    /// </summary>
    public static (double Threshold, int KeptAtThreshold) Find(ReadOnlySpan<double> probabilities, double r, Span<int> candidates)
    {
        // Invariant: the mass strictly above `high` is below r (so every class above it is kept); the mass strictly
        // above `low` is at least r (so some class above it is cut) — or low is below every class.
        double high = TensorPrimitives.Max(probabilities), low = 0;
        var (massAboveLow, countAboveLow) = Above(probabilities, low);
        if (massAboveLow < r)
        {
            if (Above(probabilities, -1).Mass < r) // r exceeds the whole row's mass: everything is kept
                return (TensorPrimitives.Min(probabilities), int.MaxValue);
            (low, countAboveLow) = (-1, probabilities.Length); // classes of probability 0 are needed to reach r
        }
        var (massAboveHigh, countAboveHigh) = Above(probabilities, high);
        for (int round = 0; round < 64 && countAboveLow - countAboveHigh > FewEnough; round++)
        {
            double middle = low > 0 ? Math.Sqrt(low * high) : high / 1024; // probabilities span decades: bisect log p
            if (!(middle > low && middle < high)) break;
            var (mass, count) = Above(probabilities, middle);
            if (mass < r) (high, massAboveHigh, countAboveHigh) = (middle, mass, count);
            else (low, countAboveLow) = (middle, count);
        }
        return Rank(probabilities, r, low, high, massAboveHigh, candidates);
    }

    // Ranks the classes in (low, high] exactly and walks down them from the mass above high.
    private static (double, int) Rank(ReadOnlySpan<double> probabilities, double r, double low, double high, double above, Span<int> candidates)
    {
        int n = 0;
        for (int k = 0; k < probabilities.Length; k++)
        {
            // Branch-free: most classes fall outside the bracket, in no order a branch predictor could learn.
            double p = probabilities[k];
            candidates[n] = k;
            n += (p > low ? 1 : 0) & (p <= high ? 1 : 0);
        }
        var ranked = candidates[..n];
        for (int i = 1; i < n; i++) // insertion sort: by probability descending, then class ascending (stable)
        {
            int k = ranked[i], j = i - 1;
            while (j >= 0 && probabilities[ranked[j]] < probabilities[k])
            {
                ranked[j + 1] = ranked[j];
                j--;
            }
            ranked[j + 1] = k;
        }
        double threshold = high;
        int keptAtThreshold = 0;
        foreach (int k in ranked)
        {
            if (above >= r) break;
            double p = probabilities[k];
            keptAtThreshold = p == threshold ? keptAtThreshold + 1 : 1;
            threshold = p;
            above += p;
        }
        return (threshold, keptAtThreshold);
    }

    // The mass of the classes above a value and how many they are, in one vector pass.
    private static (double Mass, int Count) Above(ReadOnlySpan<double> probabilities, double value)
    {
        var mass = Vector<double>.Zero;
        var count = Vector<long>.Zero;
        var threshold = new Vector<double>(value);
        int k = 0;
        for (; k <= probabilities.Length - Vector<double>.Count; k += Vector<double>.Count)
        {
            var p = new Vector<double>(probabilities[k..]);
            var above = Vector.GreaterThan(p, threshold);
            mass += Vector.ConditionalSelect(above, p, Vector<double>.Zero);
            count -= above; // true lanes are all ones, i.e. −1
        }
        double total = Vector.Sum(mass);
        long n = Vector.Sum(count);
        for (; k < probabilities.Length; k++)
            if (probabilities[k] > value)
            {
                total += probabilities[k];
                n++;
            }
        return (total, (int)n);
    }
}
