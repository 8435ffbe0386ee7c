namespace SoundStorm.Export.Weights;

/// <summary>
/// Deterministic random weights for a list of (name, shape) — for benchmarks and tests of the runtime, where only the
/// shapes matter: uniform ±1/√fan-in for matrices, near-identity norm scales, positive running variances, ±0.1 else.
/// </summary>
public static class RandomWeights
{
    /// <summary>A weight set named <paramref name="source"/> holding one tensor per entry of <paramref name="shapes"/>.</summary>
    public static WeightSet Create(IEnumerable<(string Name, long[] Shape)> shapes, string source, int seed)
    {
        ArgumentNullException.ThrowIfNull(shapes);
        var rng = new Random(seed);
        var set = new WeightSet(source);
        foreach (var (name, shape) in shapes)
        {
            long count = 1;
            foreach (long s in shape) count *= s;
            var data = new float[count];
            double scale = shape.Length >= 2 ? 1.0 / Math.Sqrt(count / shape[0]) : 0.1;
            bool isNormWeight = shape.Length == 1 && name.EndsWith(".weight", StringComparison.Ordinal);
            bool isVariance = name.EndsWith("running_var", StringComparison.Ordinal);
            for (long i = 0; i < count; i++)
            {
                double u = rng.NextDouble() * 2 - 1;
                data[i] = (float)(isVariance ? 0.5 + Math.Abs(u) : isNormWeight ? 1 + 0.1 * u : u * scale);
            }
            set.Add(name, data, shape);
        }
        return set;
    }
}
