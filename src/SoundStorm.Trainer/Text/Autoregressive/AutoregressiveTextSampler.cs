using static TorchSharp.torch;

namespace SoundStorm.Trainer.Text.Autoregressive;

/// <summary>
/// Speaks phones with <see cref="AutoregressiveTextModel"/> one unit at a time: top-k sampling at a temperature (0 =
/// arg-max) until the end of speech. The end may not come before one frame per phone, and speech stops at
/// <c>maxFramesPerPhone</c> frames per phone. Each step reruns the whole sequence: this is the measuring tool for
/// comparing models, not the runtime path (that would cache keys and values).
/// </summary>
internal static class AutoregressiveTextSampler
{
    /// <summary>The units (0..K−1) for <paramref name="phones"/> (ids 0..P−1).</summary>
    public static long[] Generate(AutoregressiveTextModel model, IReadOnlyList<long> phones, double temperature, int topK, int seed, int maxFramesPerPhone = 25)
    {
        if (phones.Count == 0) throw new ArgumentException("nothing to say: no phones.");
        if (temperature < 0 || topK < 0) throw new ArgumentException("temperature and top-k must not be negative.");
        int units = model.Config.Units, end = units;
        var random = new Random(seed);
        var sequence = new List<long> { units };
        bool training = model.training;
        model.eval();
        try
        {
            using var _ = no_grad();
            Tensor phoneTensor = tensor(phones.ToArray(), [1, phones.Count]);
            while (sequence.Count - 1 < maxFramesPerPhone * phones.Count)
            {
                using var scope = NewDisposeScope();
                Tensor padding = zeros([1, phones.Count + sequence.Count], dtype: @bool);
                Tensor logits = model.Forward(phoneTensor, tensor(sequence.ToArray(), [1, sequence.Count]), padding)[0, -1];
                float[] scores = logits.data<float>().ToArray();
                if (sequence.Count - 1 < phones.Count) scores[end] = float.NegativeInfinity;
                int next = Choose(scores, temperature, topK, random);
                if (next == end) break;
                sequence.Add(next);
            }
        }
        finally
        {
            if (training) model.train();
        }
        return sequence.Skip(1).ToArray();
    }

    private static int Choose(float[] scores, double temperature, int topK, Random random)
    {
        int best = Array.IndexOf(scores, scores.Max());
        if (temperature == 0) return best;
        var candidates = Enumerable.Range(0, scores.Length).Where(i => !float.IsNegativeInfinity(scores[i]))
            .OrderByDescending(i => scores[i]).Take(topK > 0 ? topK : scores.Length).ToArray();
        var weights = candidates.Select(i => Math.Exp((scores[i] - scores[best]) / temperature)).ToArray();
        double draw = random.NextDouble() * weights.Sum();
        for (int i = 0; i < candidates.Length; i++)
            if ((draw -= weights[i]) <= 0) return candidates[i];
        return candidates[^1];
    }
}
