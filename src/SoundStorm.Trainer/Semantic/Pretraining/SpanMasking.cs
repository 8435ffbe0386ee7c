using SoundStorm.Trainer.Training;

namespace SoundStorm.Trainer.Semantic.Pretraining;

/// <summary>
/// HuBERT / wav2vec 2.0 span masking: ⌊p·T / L + u⌋ distinct span starts (u uniform in [0, 1)) drawn uniformly from
/// 0..T−L, each masking L frames; overlaps make the masked share about 50 % at p = 0.8, L = 10. At least one frame
/// is always masked.
/// </summary>
internal static class SpanMasking
{
    /// <summary>A mask over <paramref name="frames"/> frames (true = masked).</summary>
    public static bool[] Draw(int frames, double probability, int length, StepRandom random)
    {
        var mask = new bool[frames];
        if (frames == 0) return mask;
        int span = Math.Min(length, frames);
        int positions = frames - span + 1;
        int starts = Math.Clamp((int)(probability * frames / span + random.NextDouble()), 1, positions);
        foreach (int start in random.Permutation(positions).Take(starts))
            for (int i = start; i < start + span; i++) mask[i] = true;
        return mask;
    }
}
