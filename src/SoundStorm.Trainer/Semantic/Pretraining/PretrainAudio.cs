using SoundStorm.Onnx;
using SoundStorm.Trainer.Data;
using SoundStorm.Trainer.Preparation;

namespace SoundStorm.Trainer.Semantic.Pretraining;

/// <summary>One training utterance as 16 kHz mono samples.</summary>
internal sealed record PretrainUtterance(string Path, float[] Samples);

/// <summary>
/// The training audio of HuBERT pre-training and of the unit k-means (files from <see cref="AudioCorpus.TrainingFiles"/>): with a manifest (tab-separated, header with at
/// least <c>path</c> and <c>split</c>; paths relative to the audio folder) only its <c>split=train</c> rows, else every
/// WAV below the folder (<see cref="AudioCorpus"/>). Audio is mixed to mono and resampled to 16 kHz; utterances
/// shorter than <c>minSamples</c> are skipped.
/// </summary>
internal static class PretrainAudio
{
    /// <summary>
    /// Reads the files as 16 kHz mono, dropping those shorter than <paramref name="minSamples"/>. Unreadable WAVs
    /// (e.g. empty ones) are skipped and named on <paramref name="log"/>, since one bad file of a large corpus should
    /// not stop a run; when none is usable the error names the folder.
    /// </summary>
    public static IReadOnlyList<PretrainUtterance> Load(IReadOnlyList<string> paths, int minSamples, string source, TextWriter? log = null)
    {
        var result = new List<PretrainUtterance>(paths.Count);
        foreach (string path in paths)
        {
            AudioClip clip;
            try { clip = AudioClip.ReadWav(path); }
            catch (AudioFormatException e)
            {
                log?.WriteLine($"skipped: {e.Message}");
                continue;
            }
            float[] samples = clip.ToMono(Mfcc.SampleRate);
            if (samples.Length >= minSamples) result.Add(new PretrainUtterance(path, samples));
        }
        if (result.Count == 0)
            throw new DatasetFormatException(source, $"none of its {paths.Count} training files is at least {minSamples} samples ({minSamples / (double)Mfcc.SampleRate:0.##} s) long.");
        return result;
    }
}
