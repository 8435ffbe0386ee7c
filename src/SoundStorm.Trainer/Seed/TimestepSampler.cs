using SoundStorm.Export.Checkpoints;
using SoundStorm.Trainer.Training;

namespace SoundStorm.Trainer.Seed;

/// <summary>
/// Upstream's "importance" timestep sampling: t ~ U{0..T−1} (p_t = 1/T) until every step has been drawn more than
/// 10 times, then p_t ∝ √(Lt_history_t + 1e−10) + 1e−4 with the t = 0 entry replaced by the t = 1 entry.
/// Lt_history_t ← 0.1·L_t² + 0.9·Lt_history_t (from the values before the batch; for repeated t the last item wins,
/// as a scatter does) and Lt_count_t += 1 after every batch. Both arrays travel in checkpoints.
/// </summary>
internal sealed class TimestepSampler(int steps)
{
    /// <summary>Lt_history: running mean of L_t² per step.</summary>
    public double[] History { get; } = new double[steps];

    /// <summary>Lt_count: how often each step was trained.</summary>
    public double[] Count { get; } = new double[steps];

    /// <summary>True once every step was drawn more than 10 times (importance sampling active).</summary>
    public bool Warm => Count.All(c => c > 10);

    /// <summary>Steps and their probabilities for <paramref name="batch"/> items.</summary>
    public (long[] Steps, double[] Probabilities) Sample(int batch, StepRandom random)
    {
        var t = new long[batch];
        var p = new double[batch];
        if (!Warm)
        {
            for (int b = 0; b < batch; b++) (t[b], p[b]) = (random.NextInt(steps), 1.0 / steps);
            return (t, p);
        }
        var weights = History.Select(h => Math.Sqrt(h + 1e-10) + 1e-4).ToArray();
        weights[0] = weights[1];
        double sum = weights.Sum();
        for (int b = 0; b < batch; b++)
        {
            double u = random.NextDouble() * sum, cumulative = 0;
            int k = 0;
            while (k < steps - 1 && (cumulative += weights[k]) <= u) k++;
            (t[b], p[b]) = (k, weights[k] / sum);
        }
        return (t, p);
    }

    /// <summary>Sets the statistics to a checkpoint's (<paramref name="source"/> names it when their length is not the step count).</summary>
    public void Restore(float[] history, float[] count, string source)
    {
        if (history.Length != steps || count.Length != steps)
            throw new CheckpointFormatException($"{source}: the step statistics have {history.Length} and {count.Length} entries; the diffusion has {steps} steps.");
        for (int t = 0; t < steps; t++) (History[t], Count[t]) = (history[t], count[t]);
    }

    /// <summary>Updates the statistics with the batch's per-item L_t.</summary>
    public void Record(long[] t, float[] losses)
    {
        var updated = t.Select((step, b) => 0.1 * losses[b] * losses[b] + 0.9 * History[step]).ToArray();
        for (int b = 0; b < t.Length; b++)
        {
            History[t[b]] = updated[b];
            Count[t[b]] += 1;
        }
    }
}
