using SoundStorm.Trainer.Seed;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.Seed;

/// <summary>
/// The TorchSharp discrete-diffusion loss against a float64 C# evaluation of the same formulas (upstream-facts §2.4–2.5)
/// for the same t, x_t and logits; and the Gumbel-max corruption against q(x_t | x_0).
/// </summary>
public sealed class DiffusionObjectiveTests(ITestOutputHelper output)
{
    private const int Codes = 6, Codebooks = 2, Frames = 5, Batch = 3;
    private const int Classes = Codes + 3, Mask = Classes - 1, Positions = Codebooks * Frames;
    private static readonly double LogZero = Math.Log(1e-30);

    [Fact]
    public void Loss_matches_a_float64_evaluation_of_the_upstream_formulas()
    {
        using var scope = NewDisposeScope();
        using var objective = new DiffusionObjective(Classes);
        var random = new Random(5);
        long[] t = { 0, 37, 99 };
        double[] pt = { 0.01, 0.013, 0.02 };
        // x0: codes, with the last two frames of item 2 padded (target pad id V + 1 in every codebook).
        var x0 = new long[Batch * Positions];
        var padding = new bool[Batch * Positions];
        for (int b = 0; b < Batch; b++)
            for (int q = 0; q < Codebooks; q++)
                for (int f = 0; f < Frames; f++)
                {
                    int i = b * Positions + q * Frames + f;
                    padding[i] = b == 2 && f >= Frames - 2;
                    x0[i] = padding[i] ? Codes + 1 : random.Next(Codes);
                }
        Tensor x0Tensor = tensor(x0, Batch, Positions);
        Tensor tTensor = tensor(t);
        using var generator = new Generator(11);
        Tensor xtTensor = objective.Corrupt(x0Tensor, tTensor, rand(Batch, Classes, Positions, generator: generator));
        long[] xt = xtTensor.data<long>().ToArray();
        // Make sure both kinds of x_t occur at the middle step: force a mask and a kept token.
        xt[1 * Positions + 0] = Mask;
        xt[1 * Positions + 1] = x0[1 * Positions + 1];
        xtTensor = tensor(xt, Batch, Positions);
        var logits = new float[Batch * (Classes - 1) * Positions];
        for (int i = 0; i < logits.Length; i++) logits[i] = (float)(3 * random.NextDouble() - 1.5);

        var loss = objective.Loss(tensor(logits, Batch, Classes - 1, Positions), x0Tensor, xtTensor, tTensor, tensor(pt.Select(v => (float)v).ToArray()),
            tensor(padding, Batch, Positions));
        float[] logModel = loss.LogModel.contiguous().data<float>().ToArray();
        float[] perItem = loss.PerItem.data<float>().ToArray();
        float[] auxiliary = loss.Auxiliary.data<float>().ToArray();

        var s = objective.Schedule;
        double total = 0, worstPosterior = 0;
        for (int b = 0; b < Batch; b++)
        {
            double kl = 0, nll = 0, aux = 0;
            for (int p = 0; p < Positions; p++)
            {
                int i = b * Positions + p;
                var column = Enumerable.Range(0, Classes - 1).Select(k => (double)logits[(b * (Classes - 1) + k) * Positions + p]).ToArray();
                double[] logRecon = LogX0(column);
                double[] logStart = Enumerable.Range(0, Classes).Select(k => k == x0[i] ? 0 : LogZero).ToArray();
                double[] model = DiffusionPosteriorReference.Posterior(s, logRecon, (int)xt[i], (int)t[b]);
                double[] truth = DiffusionPosteriorReference.Posterior(s, logStart, (int)xt[i], (int)t[b]);
                for (int k = 0; k < Classes; k++)
                    worstPosterior = Math.Max(worstPosterior, Math.Abs(model[k] - logModel[(b * Classes + k) * Positions + p]));
                if (padding[i]) continue;
                for (int k = 0; k < Classes; k++)
                {
                    kl += Math.Exp(truth[k]) * (truth[k] - model[k]);
                    nll -= Math.Exp(logStart[k]) * model[k];
                }
                for (int k = 0; k < Classes - 1; k++) aux += Math.Exp(logStart[k]) * (logStart[k] - logRecon[k]);
            }
            double lt = t[b] == 0 ? nll : kl, auxLoss = t[b] == 0 ? nll : aux;
            Assert.True(Math.Abs(lt - perItem[b]) <= 1e-4 * Math.Max(1, Math.Abs(lt)), $"item {b} (t = {t[b]}): L_t {perItem[b]} vs float64 {lt}");
            Assert.True(Math.Abs(auxLoss - auxiliary[b]) <= 1e-4 * Math.Max(1, Math.Abs(auxLoss)), $"item {b}: auxiliary {auxiliary[b]} vs float64 {auxLoss}");
            total += lt / pt[b] + 5e-4 * (1 + t[b] / 100.0) * auxLoss / pt[b];
        }
        total /= Batch * Positions;
        double actual = loss.Total.item<float>();
        output.WriteLine($"loss {actual} vs float64 {total}; per item {string.Join(", ", perItem)}; max |Δ log p_θ| {worstPosterior:E2}");
        Assert.True(worstPosterior <= 1e-4, $"log p_θ(x_t−1 | x_t) differs by {worstPosterior:E2}");
        Assert.True(Math.Abs(actual - total) <= 1e-5 * Math.Abs(total), $"loss {actual} vs float64 {total}");
    }

    [Fact]
    public void Gumbel_max_corruption_follows_q_of_x_t_given_x_0()
    {
        using var scope = NewDisposeScope();
        using var objective = new DiffusionObjective(Classes);
        const int items = 4000;
        long[] t = { 10, 50, 90 };
        var s = objective.Schedule;
        foreach (long step in t)
        {
            Tensor x0 = full(items, Positions, 3L, dtype: int64);
            using var generator = new Generator(7 + (ulong)step);
            Tensor xt = objective.Corrupt(x0, full(items, step, dtype: int64), rand(items, Classes, Positions, generator: generator));
            double n = items * Positions;
            double masked = xt.eq(Mask).sum().item<long>() / n, kept = xt.eq(3).sum().item<long>() / n;
            // Upstream's q(x_t | x_0) = ᾱ·[k = x_0] + β̄ (C − 1 real classes), γ̄ (mask) sums to 1 − β̄ because β̄ spreads over
            // C classes, the mask included; Gumbel-max draws from it normalised.
            double alpha = Math.Exp(s.LogCumAt[step]), beta = Math.Exp(s.LogCumBt[step]), gamma = Math.Exp(s.LogCumCt[step]);
            double sum = alpha + (Classes - 1) * beta + gamma;
            double expectMasked = gamma / sum, expectKept = (alpha + beta) / sum;
            output.WriteLine($"t = {step}: masked {masked:F4} (q {expectMasked:F4}), kept {kept:F4} (q {expectKept:F4})");
            Assert.InRange(masked, expectMasked - 0.006, expectMasked + 0.006); // ≈ 3 standard deviations of 40 000 draws
            Assert.InRange(kept, expectKept - 0.006, expectKept + 0.006);
        }
    }

    private static double[] LogX0(double[] logits)
    {
        double max = logits.Max(), z = max + Math.Log(logits.Sum(v => Math.Exp(v - max)));
        return logits.Select(v => Math.Clamp(v - z, -70, 0)).Append(-70).ToArray();
    }
}
