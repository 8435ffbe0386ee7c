using Microsoft.ML.OnnxRuntime;
using SoundStorm.Export.Checkpoints;
using SoundStorm.Export.Import;
using SoundStorm.Onnx.Generation.Diffusion;
using SoundStorm.Export.NumPy;

namespace SoundStorm.Onnx.Tests.Generation.Diffusion;

/// <summary>
/// The seed sampler's arithmetic against the original PyTorch run (../shared/reference/soundstorm-s2): schedule
/// buffers, x̂₀, posterior, reveal counts, top-r truncation, purity and sharpened candidates (atol 1e-4 as the
/// reference README suggests).
/// </summary>
public class SeedDiffusionMathTests
{
    private const int Classes = 1027, Codes = 1026;
    private static string File(string name) => TestPaths.ReferenceFile("soundstorm-s2", name);
    private static float[] Floats(string name) => NpyFile.Read(File(name)).ToFloat32();
    private static long[] Longs(string name) => NpyFile.Read(File(name)).ToInt64();

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double atol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        Assert.True(worst <= atol, $"{what}: max |diff| {worst:E3} > {atol:E1}");
    }

    [ReferenceFact]
    public void Schedule_equals_the_checkpoint_buffers()
    {
        var state = TorchCheckpoint.LoadStateDict(File("last.pth"), "model");
        var s = new DiffusionSchedule();
        foreach (var (name, values) in new (string, float[])[]
        {
            ("log_at", s.LogAt), ("log_bt", s.LogBt), ("log_ct", s.LogCt), ("log_1_min_ct", s.Log1MinusCt),
            ("log_cumprod_at", s.LogCumAt), ("log_cumprod_bt", s.LogCumBt), ("log_cumprod_ct", s.LogCumCt), ("log_1_min_cumprod_ct", s.Log1MinusCumCt),
        })
        {
            float[] expected = state["transformer." + name].ToFloat32();
            Assert.Equal(expected.Length, values.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                if (float.IsNegativeInfinity(expected[i])) Assert.True(float.IsNegativeInfinity(values[i]), $"{name}[{i}]");
                else Assert.True(Math.Abs(expected[i] - values[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"{name}[{i}]: {values[i]} vs {expected[i]}");
            }
        }
    }

    [ReferenceFact]
    public void Reveal_counts_equal_the_reference_and_sum_to_the_positions()
    {
        Assert.Equal(Longs("sample_n_sample.npy").Select(v => (int)v), PurityRevealSchedule.Counts(64));
        foreach (int p in new[] { 0, 1, 100, 101, 500, 2000, 6000 }) Assert.Equal(p, PurityRevealSchedule.Counts(p).Sum());
        // The documented large case: P = 2000 → 1, 5, 20, 20, …, 54.
        var big = PurityRevealSchedule.Counts(2000);
        Assert.Equal(new[] { 1, 5, 20, 20 }, big[..4]);
        Assert.Equal(54, big[99]);
    }

    [ReferenceFact]
    public void LogX0_and_posterior_match_the_reference()
    {
        float[] logits = Floats("logits.npy");      // [2, 1026, 64]
        float[] logX0 = Floats("log_x0_recon.npy");  // [2, 1027, 64]
        float[] posterior = Floats("log_posterior.npy");
        long[] xt = Longs("x_t.npy");
        long[] t = Longs("t.npy");
        var s = new DiffusionSchedule();
        int positions = 64;
        var row = new float[Codes];
        var ours = new float[Classes];
        var oursPosterior = new float[Classes];
        var expected = new float[Classes];
        var expectedPosterior = new float[Classes];
        var scratch = new PosteriorScratch(Classes);
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < positions; i++)
            {
                for (int k = 0; k < Codes; k++) row[k] = logits[(b * Codes + k) * positions + i];
                for (int k = 0; k < Classes; k++)
                {
                    expected[k] = logX0[(b * Classes + k) * positions + i];
                    expectedPosterior[k] = posterior[(b * Classes + k) * positions + i];
                }
                DiffusionPosterior.LogX0(row, ours, scratch);
                AssertClose(expected, ours, 1e-4, $"log x0 b{b} p{i}");
                DiffusionPosterior.Posterior(s, expected, (int)xt[b * positions + i], (int)t[b], oursPosterior, scratch);
                AssertClose(expectedPosterior, oursPosterior, 1e-4, $"posterior b{b} p{i}");
            }
    }

    [ReferenceTheory]
    [InlineData("first", 0)]
    [InlineData("last", 63)]
    public void Sampler_step_reproduces_truncation_purity_and_candidates(string which, int call)
    {
        // Network: the imported reference checkpoint, item 0 of the inputs (prompt 10 frames, target 16, no padding).
        var weights = SeedCheckpointImporter.ReadWeights(File("last.pth"));
        var config = SeedModelConfig.InferFrom(weights, 2);
        // The self-contained transformer takes the condition's tokens directly: one graph call to get the logits.
        var (combinerModel, _, transformerModel, _) = SeedGraphs.Build(config, weights, selfContained: true);
        const int frames = 16, q = 4, prompt = 10, positions = q * frames;
        long[] state = Longs("sample_steps_x_t.npy").AsSpan(call * positions, positions).ToArray(); // codebook-major
        int step = (int)Longs("sample_steps_t.npy")[call];

        var tokens = new long[positions];
        for (int c = 0; c < q; c++)
            for (int f = 0; f < frames; f++) tokens[f * q + c] = state[c * frames + f];
        using var combiner = new InferenceSession(combinerModel.ToBytes());
        using var transformer = new InferenceSession(transformerModel.ToBytes());
        using var tokenValue = OrtValue.CreateTensorValueFromMemory(tokens, new long[] { 1, frames, q });
        using var combined = combiner.Run(new RunOptions(), new[] { "tokens" }, new[] { tokenValue }, combiner.OutputNames);
        long[] promptSemantic = Longs("prompt_semantics.npy")[..prompt];
        long[] targetSemantic = Longs("target_semantics.npy")[..frames];
        long[] promptAcoustic = Longs("prompt_acoustics.npy")[..prompt]; // item 0, codebook 0
        using var ps = OrtValue.CreateTensorValueFromMemory(promptSemantic, new long[] { 1, prompt });
        using var ts = OrtValue.CreateTensorValueFromMemory(targetSemantic, new long[] { 1, frames });
        using var pa = OrtValue.CreateTensorValueFromMemory(promptAcoustic, new long[] { 1, prompt });
        using var pad = OrtValue.CreateTensorValueFromMemory(new bool[frames], new long[] { 1, frames });
        using var st = OrtValue.CreateTensorValueFromMemory(new long[] { step }, new long[] { 1 });
        var names = new[] { "embeddings", "skip", "prompt_semantic", "target_semantic", "prompt_acoustic", "padding_mask", "step" };
        using var outputs = transformer.Run(new RunOptions(), names, new[] { combined[0], combined[1], ps, ts, pa, pad, st }, new[] { "logits" });
        var logits = outputs[0].GetTensorDataAsSpan<float>().ToArray(); // [1, T, Q, 1026]

        float[] expectedRecon = Floats($"sample_{which}_log_x_recon.npy");
        float[] expectedScore = Floats($"sample_{which}_purity_score.npy");
        float[] expectedProb = Floats($"sample_{which}_prob.npy");
        var recon = new float[positions * Classes]; // our layout: position-major, codebook-major positions like upstream
        var scratch = new PosteriorScratch(Classes);
        for (int c = 0; c < q; c++)
            for (int f = 0; f < frames; f++)
            {
                int p = c * frames + f;
                var rowRecon = recon.AsSpan(p * Classes, Classes);
                DiffusionPosterior.LogX0(logits.AsSpan((f * q + c) * Codes, Codes), rowRecon, scratch);
                DiffusionPosterior.TruncateTopR(rowRecon, 0.85f, scratch);
                var expectedRow = new float[Classes];
                for (int k = 0; k < Classes; k++) expectedRow[k] = expectedRecon[k * positions + p];
                AssertClose(expectedRow, rowRecon, 1e-4, $"truncated log x0 position {p}");
            }
        var scores = new float[positions];
        PurityPrior.Scores(recon, Classes, scores);
        AssertClose(expectedScore, scores, 1e-4, "purity");
        var prob = new float[Classes];
        for (int p = 0; p < positions; p++)
        {
            PurityPrior.Sharpen(recon.AsSpan(p * Classes, Classes), scores[p], 2f, 1024, prob);
            var expectedRow = new float[Classes];
            for (int k = 0; k < Classes; k++) expectedRow[k] = expectedProb[k * positions + p];
            AssertClose(expectedRow, prob, 1e-4, $"sharpened candidates position {p}");
        }
    }
}
