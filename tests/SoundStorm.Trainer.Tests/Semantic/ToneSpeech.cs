using SoundStorm.Trainer.Semantic.Pretraining;

namespace SoundStorm.Trainer.Tests.Semantic;

/// <summary>Synthetic "speech" for the HuBERT pre-training tests: 100 ms tones drawn from six pitches, with a little noise.</summary>
internal static class ToneSpeech
{
    private static readonly double[] Pitches = [220, 330, 500, 750, 1100, 1700];

    /// <summary>
    /// <paramref name="count"/> utterances of <paramref name="samples"/> samples at 16 kHz, and for every sample the index
    /// (0 to 5) of the pitch sounding there.
    /// </summary>
    public static (PretrainUtterance[] Audio, int[][] PitchAt) Generate(int count, int samples, int seed)
    {
        var random = new Random(seed);
        var audio = new PretrainUtterance[count];
        var pitchAt = new int[count][];
        for (int u = 0; u < count; u++)
        {
            var wave = new float[samples];
            pitchAt[u] = new int[samples];
            int k = 0;
            for (int i = 0; i < samples; i++)
            {
                if (i % 1600 == 0) k = random.Next(Pitches.Length);
                pitchAt[u][i] = k;
                wave[i] = (float)(0.3 * Math.Sin(2 * Math.PI * Pitches[k] * i / 16000) + 0.01 * (random.NextDouble() - 0.5));
            }
            audio[u] = new PretrainUtterance($"tone{u}", wave);
        }
        return (audio, pitchAt);
    }
}
