using SoundStorm.Onnx;
using SoundStorm.Trainer.Data;
using SoundStorm.Trainer.Preparation;
using SoundStorm.Trainer.Training;

namespace SoundStorm.Trainer.Codec.Training;

/// <summary>
/// The training audio held in memory as mono float clips at the codec's rate, and random fixed-length crops of it.
/// Files come from a corpus manifest (<c>manifest.tsv</c>: only rows whose split is <c>train</c>, so held-out
/// utterances are never trained on) or, without one, every WAV below the folder.
/// </summary>
internal sealed class WaveformCorpus
{
    private readonly float[][] _clips;
    private readonly long[] _cumulative; // crops are drawn in proportion to clip length

    private WaveformCorpus(float[][] clips, IReadOnlyList<string> paths)
    {
        _clips = clips;
        Paths = paths;
        _cumulative = new long[clips.Length + 1];
        for (int i = 0; i < clips.Length; i++) _cumulative[i + 1] = _cumulative[i] + clips[i].Length;
    }

    /// <summary>The files read, in order.</summary>
    public IReadOnlyList<string> Paths { get; }

    /// <summary>Total samples.</summary>
    public long Samples => _cumulative[^1];

    /// <summary>Reads the training files of <paramref name="folder"/> (see the class remarks), resampled to <paramref name="sampleRate"/>.</summary>
    /// <remarks>An unreadable file stops the load with a <see cref="DatasetFormatException"/> naming it, unless
    /// <paramref name="skipBadFiles"/> is set: then it is left out with a warning on <paramref name="log"/>.</remarks>
    public static WaveformCorpus Load(string folder, int sampleRate, TextWriter? log = null, bool skipBadFiles = false)
    {
        var clips = new List<float[]>();
        var paths = new List<string>();
        foreach (string path in AudioCorpus.TrainingFiles(folder))
        {
            AudioClip clip;
            try { clip = AudioClip.ReadWav(path); }
            catch (Exception e) when (e is AudioFormatException or IOException)
            {
                if (!skipBadFiles) throw new DatasetFormatException(path, $"cannot be read as WAV ({e.Message}).");
                log?.WriteLine($"warning: skipped {path}: {e.Message}");
                continue;
            }
            clip = clip.Resample(sampleRate);
            clips.Add(clip.ToMono());
            paths.Add(path);
        }
        if (clips.Count == 0) throw new DatasetFormatException(folder, "no readable training audio.");
        var corpus = new WaveformCorpus(clips.ToArray(), paths);
        log?.WriteLine($"audio: {paths.Count} files, {corpus.Samples / (double)sampleRate / 3600:F2} h at {sampleRate} Hz");
        return corpus;
    }

    /// <summary>
    /// Fills <paramref name="batch"/> ([count · length]) with random crops: a clip chosen in proportion to its length,
    /// a start uniform over the clip; clips shorter than a crop are zero-padded at the end.
    /// </summary>
    public void Crops(StepRandom random, int count, int length, float[] batch)
    {
        Array.Clear(batch);
        for (int b = 0; b < count; b++)
        {
            long position = (long)(random.NextDouble() * Samples);
            int clip = Array.BinarySearch(_cumulative, position);
            if (clip < 0) clip = ~clip - 1;
            clip = Math.Min(clip, _clips.Length - 1);
            var samples = _clips[clip];
            int start = samples.Length > length ? random.NextInt(samples.Length - length + 1) : 0;
            int take = Math.Min(length, samples.Length - start);
            Array.Copy(samples, start, batch, b * length, take);
        }
    }
}
