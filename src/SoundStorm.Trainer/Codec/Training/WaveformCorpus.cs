using SoundStorm.Onnx.Audio;
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
        foreach (string path in TrainingFiles(folder))
        {
            AudioClip clip;
            try { clip = WavReader.Read(path); }
            catch (Exception e) when (e is AudioFormatException or IOException)
            {
                if (!skipBadFiles) throw new DatasetFormatException(path, $"cannot be read as WAV ({e.Message}).");
                log?.WriteLine($"warning: skipped {path}: {e.Message}");
                continue;
            }
            if (clip.SampleRate != sampleRate) clip = Resampler.Resample(clip, sampleRate);
            clips.Add(clip.ToMono());
            paths.Add(path);
        }
        if (clips.Count == 0) throw new DatasetFormatException(folder, "no readable training audio.");
        var corpus = new WaveformCorpus(clips.ToArray(), paths);
        log?.WriteLine($"audio: {paths.Count} files, {corpus.Samples / (double)sampleRate / 3600:F2} h at {sampleRate} Hz");
        return corpus;
    }

    /// <summary>The WAV files to train on: a manifest's train rows, or every WAV of the folder.</summary>
    public static IReadOnlyList<string> TrainingFiles(string folder)
    {
        if (!Directory.Exists(folder)) throw new DatasetFormatException(folder, "audio folder not found.");
        string manifest = Path.Combine(folder, "manifest.tsv");
        if (!File.Exists(manifest)) return AudioCorpus.Find(folder).Select(s => s.Path).ToArray();

        var lines = File.ReadAllLines(manifest);
        var header = lines.Length > 0 ? lines[0].Split('\t') : Array.Empty<string>();
        int pathColumn = Array.IndexOf(header, "path"), splitColumn = Array.IndexOf(header, "split");
        if (pathColumn < 0 || splitColumn < 0)
            throw new DatasetFormatException(manifest, $"expected a header with 'path' and 'split' columns, found '{string.Join("', '", header)}'.");
        var files = new List<string>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var cells = lines[i].Split('\t');
            if (cells.Length <= Math.Max(pathColumn, splitColumn))
                throw new DatasetFormatException(manifest, $"line {i + 1} has {cells.Length} columns, expected at least {Math.Max(pathColumn, splitColumn) + 1}.");
            if (cells[splitColumn] != "train") continue;
            string path = Path.GetFullPath(Path.Combine(folder, cells[pathColumn]));
            if (!File.Exists(path)) throw new DatasetFormatException(manifest, $"line {i + 1}: file '{cells[pathColumn]}' not found.");
            files.Add(path);
        }
        if (files.Count == 0) throw new DatasetFormatException(manifest, "has no rows with split 'train'.");
        return files;
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
