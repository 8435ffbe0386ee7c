using SoundStorm.Export.Acoustic;
using SoundStorm.Trainer.Data;
using SoundStorm.Trainer.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Seed;

/// <summary>A padded seed-family batch: clean targets x0 (B, n_q·T) codebook-major, conditions and padding.</summary>
internal sealed record SeedBatch(Tensor Targets, Tensor PromptSemantics, Tensor TargetSemantics, Tensor PromptAcoustics, Tensor Padding, Tensor PositionPadding)
{
    /// <summary>
    /// Splits each utterance as upstream's dataset does (with P = <paramref name="promptFrames"/>, G =
    /// <paramref name="targetFrames"/>): T ≥ P + G → a random window, prompt = its first P frames, target = the next G;
    /// 2P &lt; T &lt; P + G → prompt = the first P frames, target = the rest; T ≤ 2P → prompt = the first ⌊T/2⌋ frames.
    /// Pads: prompt semantic K+1, target semantic K+3, prompt acoustic V, target acoustic V+1.
    /// </summary>
    public static SeedBatch Build(IReadOnlyList<TokenUtterance> items, SeedModelConfig config, int promptFrames, int targetFrames, StepRandom random)
    {
        int count = items.Count, q = config.Codebooks;
        var splits = items.Select(u =>
        {
            if (u.Frames >= promptFrames + targetFrames)
            {
                int start = random.NextInt(u.Frames - promptFrames - targetFrames + 1);
                return (Start: start, Prompt: promptFrames, Target: targetFrames);
            }
            if (u.Frames > 2 * promptFrames) return (Start: 0, Prompt: promptFrames, Target: u.Frames - promptFrames);
            return (Start: 0, Prompt: u.Frames / 2, Target: u.Frames - u.Frames / 2);
        }).ToArray();
        int tp = splits.Max(s => s.Prompt), tg = splits.Max(s => s.Target);
        var targets = new long[count * q * tg];
        var targetSemantic = new long[count * tg];
        var promptSemantic = new long[count * tp];
        var promptAcoustic = new long[count * q * tp];
        var padding = new bool[count * tg];
        var positionPadding = new bool[count * q * tg];
        Array.Fill(targets, config.TargetAcousticPad);
        Array.Fill(targetSemantic, config.TargetSemanticEnd);
        Array.Fill(promptSemantic, config.PromptSemanticEnd);
        Array.Fill(promptAcoustic, config.PromptAcousticPad);
        for (int b = 0; b < count; b++)
        {
            var (u, (start, prompt, target)) = (items[b], splits[b]);
            for (int f = 0; f < prompt; f++)
            {
                promptSemantic[b * tp + f] = u.Semantic[start + f];
                for (int l = 0; l < q; l++) promptAcoustic[(b * q + l) * tp + f] = u.Code(start + f, l);
            }
            for (int f = 0; f < tg; f++)
            {
                bool pad = f >= target;
                padding[b * tg + f] = pad;
                if (!pad) targetSemantic[b * tg + f] = u.Semantic[start + prompt + f];
                for (int l = 0; l < q; l++)
                {
                    positionPadding[(b * q + l) * tg + f] = pad;
                    if (!pad) targets[(b * q + l) * tg + f] = u.Code(start + prompt + f, l);
                }
            }
        }
        return new SeedBatch(tensor(targets, count, q * tg), tensor(promptSemantic, count, tp), tensor(targetSemantic, count, tg),
            tensor(promptAcoustic, count, q, tp), tensor(padding, count, tg), tensor(positionPadding, count, q * tg));
    }
}
