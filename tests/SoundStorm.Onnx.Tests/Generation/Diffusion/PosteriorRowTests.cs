using SoundStorm.Onnx.Generation.Diffusion;

namespace SoundStorm.Onnx.Tests.Generation.Diffusion;

/// <summary>
/// The vectorised row arithmetic of the diffusion sampler against a plain float64 reference written one class at a
/// time the way the formulas read (upstream-facts §2.4, §2.6): log x̂₀, top-r truncation (by a full sort) and the
/// posterior, over rows shaped like a random-init network's (near-uniform), a trained one's (peaked) and toy ones
/// with ties.
/// </summary>
public sealed class PosteriorRowTests
{
    public static TheoryData<int, double, int> Rows => new()
    {
        { 1026, 1.0, 1 }, { 1026, 6.0, 2 }, { 1026, 0.05, 3 }, { 9, 1.0, 4 }, { 40, 2.0, 5 }, { 300, 15.0, 6 },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Log_x0_equals_a_float64_log_softmax(int classes, double spread, int seed)
    {
        var scratch = new PosteriorScratch(classes + 1);
        var random = new Random(seed);
        for (int row = 0; row < 50; row++)
        {
            var logits = Logits(random, classes, spread, ties: classes < 50);
            var ours = new float[classes + 1];
            DiffusionPosterior.LogX0(logits, ours, scratch);
            var expected = ReferenceLogX0(logits);
            for (int k = 0; k <= classes; k++) Assert.Equal(expected[k], ours[k], 6e-6f);
        }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Truncation_keeps_exactly_the_classes_a_sorted_walk_keeps(int classes, double spread, int seed)
    {
        var scratch = new PosteriorScratch(classes + 1);
        var random = new Random(seed);
        foreach (float r in new[] { 0.05f, 0.5f, 0.85f, 0.99f, 1f })
            for (int row = 0; row < 40; row++)
            {
                var logX0 = new float[classes + 1];
                DiffusionPosterior.LogX0(Logits(random, classes, spread, ties: classes < 50), logX0, scratch);
                var expected = ReferenceTruncate(logX0, r);
                DiffusionPosterior.TruncateTopR(logX0, r, scratch);
                Assert.Equal(expected, logX0);
            }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Posterior_equals_the_float64_formula_for_masked_and_unmasked_tokens(int classes, double spread, int seed)
    {
        var schedule = new DiffusionSchedule(classes: classes + 1);
        var scratch = new PosteriorScratch(classes + 1);
        var random = new Random(seed);
        foreach (int t in new[] { 0, 1, 37, 99 })
            for (int row = 0; row < 20; row++)
            {
                var logX0 = new float[classes + 1];
                DiffusionPosterior.LogX0(Logits(random, classes, spread, ties: false), logX0, scratch);
                DiffusionPosterior.TruncateTopR(logX0, 0.85f, scratch);
                int token = row % 2 == 0 ? classes : random.Next(classes); // masked, or a current token
                var ours = new float[classes + 1];
                DiffusionPosterior.Posterior(schedule, logX0, token, t, ours, scratch);
                var expected = Array.ConvertAll(DiffusionPosteriorReference.Posterior(schedule, Array.ConvertAll(logX0, v => (double)v), token, t), v => (float)v);
                for (int k = 0; k <= classes; k++) Assert.True(Math.Abs(expected[k] - ours[k]) <= 2e-5f, $"t {t} token {token} class {k}: {ours[k]} vs {expected[k]}");
            }
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Posterior_from_the_truncations_probabilities_equals_the_posterior_from_the_row_bit_for_bit(int classes, double spread, int seed)
    {
        var schedule = new DiffusionSchedule(classes: classes + 1);
        var scratch = new PosteriorScratch(classes + 1);
        var random = new Random(seed);
        foreach (float r in new[] { 0.05f, 0.85f, 1f })
            foreach (int t in new[] { 0, 1, 37, 99 })
                for (int row = 0; row < 10; row++)
                {
                    var logX0 = new float[classes + 1];
                    DiffusionPosterior.LogX0(Logits(random, classes, spread, ties: classes < 50), logX0, scratch);
                    DiffusionPosterior.TruncateTopR(logX0, r, scratch);
                    var probabilities = scratch.Probabilities.AsSpan(0, classes + 1).ToArray();
                    for (int k = 0; k <= classes; k++) Assert.Equal(Math.Exp(logX0[k]), probabilities[k], 1e-15);
                    int token = row % 2 == 0 ? classes : random.Next(classes);
                    var fromRow = new float[classes + 1];
                    var fromProbabilities = new float[classes + 1];
                    DiffusionPosterior.Posterior(schedule, logX0, token, t, fromRow, scratch);
                    DiffusionPosterior.Posterior(schedule, logX0, token, t, fromProbabilities, scratch, probabilities);
                    Assert.Equal(fromRow, fromProbabilities);
                }
    }

    // Logits spread around 0; with ties, drawn from a coarse grid so that equal values occur.
    private static float[] Logits(Random random, int classes, double spread, bool ties) =>
        [.. Enumerable.Range(0, classes).Select(_ => ties ? (float)(random.Next(12) * spread / 6) : (float)((random.NextDouble() * 2 - 1) * spread))];

    private static float[] ReferenceLogX0(float[] logits)
    {
        double max = logits.Max(), sum = logits.Sum(v => Math.Exp(v - max)), logZ = max + Math.Log(sum);
        return [.. logits.Select(v => Math.Clamp((float)(v - logZ), -70f, 0f)), -70f];
    }

    private static float[] ReferenceTruncate(float[] logP, float r)
    {
        var order = Enumerable.Range(0, logP.Length).OrderByDescending(k => logP[k]).ThenBy(k => k).ToArray();
        var result = (float[])logP.Clone();
        double above = 0;
        foreach (int k in order)
        {
            if (above >= r) result[k] = -70f;
            above += Math.Exp(logP[k]);
        }
        return result;
    }
}
