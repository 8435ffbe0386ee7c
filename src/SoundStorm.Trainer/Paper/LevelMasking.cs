using SoundStorm.Trainer.Data;
using SoundStorm.Trainer.Training;

namespace SoundStorm.Trainer.Paper;

/// <summary>
/// The SoundStorm training objective's masking (paper §3.2): per item draw a level q ~ U{0..Q−1} (or by given weights) and a prompt
/// length; prompt frames and levels &lt; q stay visible; a cosine-schedule fraction p = cos(π/2·u), u ~ U(0, 1), of
/// level q's non-prompt frames is masked (at least one) and so are all non-prompt frames of levels &gt; q. The loss is
/// taken on the masked level-q frames only.
/// </summary>
internal static class LevelMasking
{
    /// <summary>One item's draw: crop start, prompt length, level and mask fraction.</summary>
    internal sealed record Draw(int CropStart, int Frames, int Prompt, int Level, double Fraction, int[] MaskedOrder);

    /// <summary>
    /// Draws the masking for an utterance: a random window of at most <paramref name="maxFrames"/> frames, a prompt of
    /// 0..⌊<paramref name="maxPromptFraction"/>·T⌋ frames (at least one frame left to predict), level
    /// <paramref name="level"/> or a random one: uniform, or in proportion to <paramref name="levelWeights"/>.
    /// </summary>
    public static Draw DrawFor(TokenUtterance u, int maxFrames, double maxPromptFraction, StepRandom random, int? level = null,
        IReadOnlyList<double>? levelWeights = null)
    {
        int frames = Math.Min(u.Frames, maxFrames);
        int cropStart = u.Frames > frames ? random.NextInt(u.Frames - frames + 1) : 0;
        int maxPrompt = Math.Min(frames - 1, (int)Math.Floor(maxPromptFraction * frames));
        int prompt = maxPrompt > 0 ? random.NextInt(maxPrompt + 1) : 0;
        int q = level ?? (levelWeights is null ? random.NextInt(u.Codebooks) : PickLevel(levelWeights, random.NextDouble()));
        double fraction = Math.Cos(Math.PI / 2 * random.NextDouble());
        int[] order = random.Permutation(frames - prompt);
        return new Draw(cropStart, frames, prompt, q, fraction, order);
    }

    /// <summary>The level whose share of the cumulative <paramref name="weights"/> holds <paramref name="uniform"/> ∈ [0, 1).</summary>
    public static int PickLevel(IReadOnlyList<double> weights, double uniform)
    {
        double target = uniform * weights.Sum(), cumulative = 0;
        int last = 0;
        for (int q = 0; q < weights.Count; q++)
        {
            if (weights[q] <= 0) continue;
            cumulative += weights[q];
            last = q;
            if (target < cumulative) return q;
        }
        return last; // rounding at the top end
    }

    /// <summary>Builds the padded batch of the given draws (mask id = V, semantic padding id = K).</summary>
    public static MaskedBatch Build(IReadOnlyList<TokenUtterance> items, IReadOnlyList<Draw> draws, int maskId, int semanticPad)
    {
        int count = items.Count, q = items[0].Codebooks, frames = draws.Max(d => d.Frames);
        var tokens = new long[count * frames * q];
        var semantic = new long[count * frames];
        var padding = new bool[count * frames];
        var levels = new long[count];
        var targets = new long[count * frames];
        Array.Fill(tokens, maskId);
        Array.Fill(semantic, semanticPad);
        Array.Fill(targets, MaskedBatch.Ignore);
        for (int b = 0; b < count; b++)
        {
            var (u, d) = (items[b], draws[b]);
            levels[b] = d.Level;
            int toPredict = d.Frames - d.Prompt;
            int masked = Math.Max(1, (int)Math.Ceiling(d.Fraction * toPredict));
            var hidden = new bool[d.Frames];
            for (int i = 0; i < masked; i++) hidden[d.Prompt + d.MaskedOrder[i]] = true;
            for (int t = 0; t < frames; t++)
            {
                int row = b * frames + t;
                if (t >= d.Frames) { padding[row] = true; continue; }
                int source = d.CropStart + t;
                semantic[row] = u.Semantic[source];
                bool prompt = t < d.Prompt;
                for (int l = 0; l < q; l++)
                {
                    bool visible = prompt || l < d.Level || (l == d.Level && !hidden[t]);
                    if (visible) tokens[row * q + l] = u.Code(source, l);
                }
                if (hidden[t]) targets[row] = u.Code(source, d.Level);
            }
        }
        return new MaskedBatch(tokens, semantic, padding, levels, targets, count, frames, q);
    }
}
