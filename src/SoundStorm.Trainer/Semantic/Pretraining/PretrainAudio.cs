using SoundStorm.Onnx.Audio;
using SoundStorm.Trainer.Data;
using SoundStorm.Trainer.Preparation;

namespace SoundStorm.Trainer.Semantic.Pretraining;

/// <summary>One training utterance as 16 kHz mono samples.</summary>
internal sealed record PretrainUtterance(string Path, float[] Samples);

/// <summary>
/// The training audio of HuBERT pre-training and of the unit k-means: with a manifest (tab-separated, header with at
/// least <c>path</c> and <c>split</c>; paths relative to the audio folder) only its <c>split=train</c> rows, else every
/// WAV below the folder (<see cref="AudioCorpus"/>). Audio is mixed to mono and resampled to 16 kHz; utterances
/// shorter than <c>minSamples</c> are skipped.
/// </summary>
internal static class PretrainAudio
{
    /// <summary>The manifest name looked for inside the audio folder when none is given.</summary>
    public const string ManifestName = "manifest.tsv";

    /// <summary>The audio files to use, in a stable order; bad input is a <see cref="DatasetFormatException"/> naming it.</summary>
    public static IReadOnlyList<string> List(string folder, string? manifest)
    {
        if (!Directory.Exists(folder)) throw new DatasetFormatException(folder, "audio folder not found.");
        manifest ??= File.Exists(Path.Combine(folder, ManifestName)) ? Path.Combine(folder, ManifestName) : null;
        if (manifest is null) return AudioCorpus.Find(folder).Select(s => s.Path).ToArray();
        if (!File.Exists(manifest)) throw new DatasetFormatException(manifest, "manifest not found.");
        var lines = File.ReadAllLines(manifest);
        if (lines.Length == 0) throw new DatasetFormatException(manifest, "the manifest is empty (expected a header with 'path' and 'split').");
        var header = lines[0].Split('\t');
        int pathColumn = Array.IndexOf(header, "path"), splitColumn = Array.IndexOf(header, "split");
        if (pathColumn < 0 || splitColumn < 0)
            throw new DatasetFormatException(manifest, $"header has columns [{string.Join(", ", header)}]; expected 'path' and 'split'.");
        var paths = new List<string>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var cells = lines[i].Split('\t');
            if (cells.Length <= Math.Max(pathColumn, splitColumn))
                throw new DatasetFormatException(manifest, $"line {i + 1} has {cells.Length} columns, expected {header.Length}.");
            if (cells[splitColumn] != "train") continue;
            string path = Path.GetFullPath(Path.Combine(folder, cells[pathColumn]));
            if (!File.Exists(path)) throw new DatasetFormatException(manifest, $"line {i + 1}: audio file '{cells[pathColumn]}' not found under {folder}.");
            paths.Add(path);
        }
        if (paths.Count == 0) throw new DatasetFormatException(manifest, "has no rows with split=train.");
        return paths;
    }

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
            try { clip = WavReader.Read(path); }
            catch (AudioFormatException e)
            {
                log?.WriteLine($"skipped: {e.Message}");
                continue;
            }
            float[] samples = Resampler.Resample(new AudioClip(clip.ToMono(), clip.SampleRate), Mfcc.SampleRate).ToMono();
            if (samples.Length >= minSamples) result.Add(new PretrainUtterance(path, samples));
        }
        if (result.Count == 0)
            throw new DatasetFormatException(source, $"none of its {paths.Count} training files is at least {minSamples} samples ({minSamples / (double)Mfcc.SampleRate:0.##} s) long.");
        return result;
    }
}
