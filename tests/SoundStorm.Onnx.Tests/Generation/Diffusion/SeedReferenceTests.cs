using SoundStorm.Export.Checkpoints;
using SoundStorm.Onnx.Generation.Diffusion;
using SoundStorm.Onnx.IO;

namespace SoundStorm.Onnx.Tests.Generation.Diffusion;

/// <summary>The diffusion sampler's arithmetic against tensors recorded from the seed implementation (reference/soundstorm-s2).</summary>
public class SeedReferenceTests
{
    private const int Classes = 1027, Positions = 64;

    private static NpyArray Load(string file) => NpyFile.Read(TestPaths.ReferenceFile("soundstorm-s2", file));

    /// <summary>Column <paramref name="position"/> of a [batch, classes, positions] tensor.</summary>
    private static float[] Column(float[] data, int batch, int position, int classes = Classes)
    {
        var column = new float[classes];
        for (int c = 0; c < classes; c++) column[c] = data[(batch * classes + c) * Positions + position];
        return column;
    }

    [Fact]
    public void Schedule_matches_the_checkpoint_buffers()
    {
        var state = TorchCheckpoint.LoadStateDict(TestPaths.ReferenceFile("soundstorm-s2", "last.pth"), "model");
        var schedule = new DiffusionSchedule();
        void Compare(string name, double[] ours)
        {
            float[] theirs = state["transformer." + name].ToFloat32();
            Assert.Equal(ours.Length, theirs.Length);
            for (int i = 0; i < ours.Length; i++)
            {
                if (double.IsNegativeInfinity(ours[i]) || theirs[i] < -60) Assert.True(theirs[i] < -60 && ours[i] < -60, $"{name}[{i}]: {theirs[i]} vs {ours[i]}");
                else Assert.Equal(theirs[i], ours[i], Math.Max(1e-6, Math.Abs(theirs[i]) * 1e-5));
            }
        }
        Compare("log_at", schedule.LogAlpha);
        Compare("log_bt", schedule.LogBeta);
        Compare("log_ct", schedule.LogGamma);
        Compare("log_1_min_ct", schedule.LogOneMinusGamma);
        Compare("log_cumprod_at", schedule.LogAlphaBar);
        Compare("log_cumprod_bt", schedule.LogBetaBar);
        Compare("log_cumprod_ct", schedule.LogGammaBar);
        Compare("log_1_min_cumprod_ct", schedule.LogOneMinusGammaBar);
    }

    [Fact]
    public void Log_x0_from_logits_matches_predict_start()
    {
        float[] logits = Load("logits.npy").ToFloat32();
        float[] expected = Load("log_x0_recon.npy").ToFloat32();
        var row = new float[Classes];
        for (int b = 0; b < 2; b++)
            for (int p = 0; p < Positions; p++)
            {
                DiffusionProbabilities.LogX0(Column(logits, b, p, 1026), row);
                var want = Column(expected, b, p);
                for (int c = 0; c < Classes; c++) Assert.Equal(want[c], row[c], 1e-4);
            }
    }

    [Fact]
    public void Posterior_matches_q_posterior()
    {
        float[] logX0 = Load("log_x0_recon.npy").ToFloat32();
        float[] expected = Load("log_posterior.npy").ToFloat32();
        long[] xt = Load("x_t.npy").ToInt64();
        long[] t = Load("t.npy").ToInt64();
        var posterior = new DiffusionPosterior(new DiffusionSchedule());
        var row = new float[Classes];
        int maskedSeen = 0;
        for (int b = 0; b < 2; b++)
            for (int p = 0; p < Positions; p++)
            {
                int token = (int)xt[b * Positions + p];
                if (token == Classes - 1) maskedSeen++;
                posterior.Compute(Column(logX0, b, p), token, (int)t[b], row);
                var want = Column(expected, b, p);
                for (int c = 0; c < Classes; c++) Assert.Equal(want[c], row[c], 1e-4);
            }
        Assert.InRange(maskedSeen, 10, 120); // both branches (masked and unmasked x_t) were exercised
    }

    [Theory]
    [InlineData("first")]
    [InlineData("last")]
    public void Purity_and_sharpened_distribution_match_p_sample(string which)
    {
        float[] logX = Load($"sample_{which}_log_x_recon.npy").ToFloat32();
        float[] expectedScore = Load($"sample_{which}_purity_score.npy").ToFloat32();
        float[] expectedProb = Load($"sample_{which}_prob.npy").ToFloat32();
        var raw = new float[Positions];
        for (int p = 0; p < Positions; p++) raw[p] = DiffusionProbabilities.RawPurity(Column(logX, 0, p));
        float max = raw.Max();
        var row = new float[Classes];
        for (int p = 0; p < Positions; p++)
        {
            float score = raw[p] / (max + 1e-10f);
            Assert.Equal(expectedScore[p], score, 1e-6);
            DiffusionProbabilities.Sharpen(Column(logX, 0, p), score, 2f, 1024, row);
            var want = Column(expectedProb, 0, p);
            for (int c = 0; c < Classes; c++) Assert.Equal(want[c], row[c], 1e-4);
        }
    }

    [Fact]
    public void Truncated_rows_are_a_fixed_point_of_top_r_truncation()
    {
        // Truncation keeps the smallest top set whose mass reaches r, so truncating its output again changes nothing;
        // a rule that also dropped the class crossing r would remove one more class per pass.
        float[] logX = Load("sample_first_log_x_recon.npy").ToFloat32();
        var keys = new float[Classes];
        var order = new int[Classes];
        int kept = 0;
        for (int p = 0; p < Positions; p++)
        {
            var row = Column(logX, 0, p);
            var again = (float[])row.Clone();
            DiffusionProbabilities.TruncateTopR(again, 0.85f, keys, order);
            Assert.Equal(row, again);
            kept += row.Count(v => v > -70);
        }
        Assert.True(kept > Positions, "some positions keep more than one class");
    }

    [Fact]
    public void Reveal_counts_match_update_n_sample()
    {
        long[] expected = Load("sample_n_sample.npy").ToInt64();
        Assert.Equal(expected, PurityRevealSchedule.Counts(64).Select(n => (long)n));
        var large = PurityRevealSchedule.Counts(2000);
        Assert.Equal([1, 5, 20, 20], large[..4]);
        Assert.Equal(54, large[99]);
        foreach (int p in new[] { 1, 100, 101, 103, 590, 2000, 6001 })
            Assert.Equal(p, PurityRevealSchedule.Counts(p).Sum());
    }
}
