using SoundStorm.Onnx.Generation.Sampling;

namespace SoundStorm.Onnx.Tests.Generation.Sampling;

public class TokenSamplerTests
{
    private static float[] LogitsOf(params double[] probabilities) =>
        Array.ConvertAll(probabilities, p => (float)Math.Log(p) + 3f); // any shift: softmax ignores it

    private static double[] Frequencies(float[] logits, float temperature, int topK, float topP, int draws = 40_000)
    {
        var sampler = new TokenSampler(logits.Length);
        var rng = new Xoshiro256StarStar(123);
        var counts = new double[logits.Length];
        for (int i = 0; i < draws; i++) counts[sampler.Sample(logits, temperature, topK, topP, ref rng)]++;
        for (int i = 0; i < counts.Length; i++) counts[i] /= draws;
        return counts;
    }

    [Fact]
    public void Samples_follow_the_softmax()
    {
        var f = Frequencies(LogitsOf(0.5, 0.3, 0.15, 0.05), 1f, 0, 1f);
        Assert.Equal([0.5, 0.3, 0.15, 0.05], f, (a, b) => Math.Abs(a - b) < 0.012);
    }

    [Fact]
    public void Temperature_2_flattens_to_square_roots()
    {
        double[] p = [0.5, 0.3, 0.15, 0.05];
        double z = p.Sum(Math.Sqrt);
        var f = Frequencies(LogitsOf(p), 2f, 0, 1f);
        for (int i = 0; i < p.Length; i++) Assert.Equal(Math.Sqrt(p[i]) / z, f[i], 0.012);
    }

    [Fact]
    public void Top_k_renormalises_over_the_k_best()
    {
        var f = Frequencies(LogitsOf(0.15, 0.5, 0.05, 0.3), 1f, 2, 1f);
        Assert.Equal([0, 0.625, 0, 0.375], f, (a, b) => Math.Abs(a - b) < 0.012);
    }

    [Fact]
    public void Top_p_keeps_tokens_until_the_mass_above_reaches_p()
    {
        // p = 0.7: 0.5 (mass above 0) and 0.3 (mass above 0.5) stay; 0.15 (mass above 0.8) goes.
        var f = Frequencies(LogitsOf(0.3, 0.15, 0.5, 0.05), 1f, 0, 0.7f);
        Assert.Equal([0.375, 0, 0.625, 0], f, (a, b) => Math.Abs(a - b) < 0.012);
        // p = 0.5: only the top token (the next one has exactly 0.5 above it).
        Assert.Equal([0, 0, 1.0, 0], Frequencies(LogitsOf(0.3, 0.15, 0.5, 0.05), 1f, 0, 0.5f, 2000));
    }

    [Fact]
    public void Zero_temperature_is_argmax_and_draws_nothing()
    {
        var sampler = new TokenSampler(4);
        var rng = new Xoshiro256StarStar(5);
        var copy = rng;
        Assert.Equal(2, sampler.Sample([0f, 1f, 4f, 3f], 0f, 0, 1f, ref rng));
        Assert.Equal(copy.NextUInt64(), rng.NextUInt64());
    }

    [Fact]
    public void Log_probability_matches_a_double_precision_log_softmax()
    {
        float[] logits = [1.5f, -2f, 0.25f, 7f, 3f];
        double max = logits.Max(), lse = max + Math.Log(logits.Sum(l => Math.Exp(l - max)));
        var sampler = new TokenSampler(5);
        for (int t = 0; t < logits.Length; t++)
            Assert.Equal(logits[t] - lse, sampler.LogProbability(logits, t), 1e-5);
    }
}

public class KthLargestTests
{
    [Fact]
    public void Quickselect_agrees_with_sorting_including_ties()
    {
        var random = new Random(9);
        for (int trial = 0; trial < 300; trial++)
        {
            var values = Enumerable.Range(0, random.Next(1, 60)).Select(_ => (float)random.Next(12)).ToArray();
            var sorted = values.OrderByDescending(v => v).ToArray();
            int k = random.Next(1, values.Length + 1);
            Assert.Equal(sorted[k - 1], TokenSampler.KthLargest((float[])values.Clone(), k));
        }
    }
}
