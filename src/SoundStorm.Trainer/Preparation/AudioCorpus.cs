using System.Text;
using SoundStorm.Trainer.Data;

namespace SoundStorm.Trainer.Preparation;

/// <summary>One audio file of a corpus folder: its path, speaker (sub-folder) and utterance id (file name).</summary>
internal sealed record AudioSource(string Path, string? Speaker, string Id);

/// <summary>
/// Lists the WAV files of a corpus folder. A file directly inside the folder has no speaker; a file anywhere below a
/// sub-folder belongs to that first-level sub-folder's name. The utterance id is the file name without extension,
/// with characters a dataset id cannot hold replaced by '_'; where two files would get the same id, the colliding
/// ones are prefixed with their speaker ("spk2-001"), and a number is appended if that still collides.
/// Files are listed in ordinal order of their relative paths, so the dataset order (and its validation split) is stable.
/// </summary>
internal static class AudioCorpus
{
    public static IReadOnlyList<AudioSource> Find(string folder)
    {
        if (!Directory.Exists(folder)) throw new DatasetFormatException(folder, "audio folder not found.");
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".wav", StringComparison.OrdinalIgnoreCase))
            .Select(f => (Path: f, Relative: System.IO.Path.GetRelativePath(folder, f).Replace('\\', '/')))
            .OrderBy(f => f.Relative, StringComparer.Ordinal)
            .ToArray();
        if (files.Length == 0)
            throw new DatasetFormatException(folder, "holds no .wav files (expected <folder>/<speaker>/<utterance>.wav or <folder>/<utterance>.wav).");

        var drafts = files.Select(f =>
        {
            int slash = f.Relative.IndexOf('/');
            return (f.Path, Speaker: slash < 0 ? null : f.Relative[..slash]);
        }).ToArray();
        return AssignIds(drafts);
    }

    /// <summary>
    /// The files to train on: the <c>split = train</c> rows of <paramref name="manifest"/> (or of
    /// <c>folder/manifest.tsv</c> when there is one), else every WAV below <paramref name="folder"/>.
    /// </summary>
    public static IReadOnlyList<string> TrainingFiles(string folder, string? manifest = null)
    {
        if (!Directory.Exists(folder)) throw new DatasetFormatException(folder, "audio folder not found.");
        string beside = System.IO.Path.Combine(folder, "manifest.tsv");
        manifest ??= File.Exists(beside) ? beside : null;
        return (manifest is null ? Find(folder) : FromManifest(manifest)).Select(s => s.Path).ToArray();
    }

    /// <summary>
    /// The training files of a corpus manifest (<c>manifest.tsv</c> from scripts/corpus/build-corpus.sh: a header line
    /// naming at least the columns path, voice and split, then one row per file). Only rows with split = train are
    /// listed, so held-out files never reach a dataset; paths are relative to the manifest's folder; the voice is the
    /// speaker. Ids follow the same rules as <see cref="Find"/>, in manifest order.
    /// </summary>
    public static IReadOnlyList<AudioSource> FromManifest(string manifestPath)
    {
        if (!File.Exists(manifestPath)) throw new DatasetFormatException(manifestPath, "manifest not found.");
        string root = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(manifestPath))!;
        using var lines = File.ReadLines(manifestPath).GetEnumerator();
        if (!lines.MoveNext()) throw new DatasetFormatException(manifestPath, "is empty (expected a header line: path, voice, …, split, …).");
        string[] header = lines.Current.Split('\t');
        int Column(string name) => Array.IndexOf(header, name) is >= 0 and var i ? i
            : throw new DatasetFormatException(manifestPath, $"the header has no '{name}' column (found: {string.Join(", ", header)}).");
        int path = Column("path"), voice = Column("voice"), split = Column("split");
        var drafts = new List<(string Path, string? Speaker)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int line = 2; lines.MoveNext(); line++)
        {
            if (lines.Current.Length == 0) continue;
            string[] fields = lines.Current.Split('\t');
            if (fields.Length != header.Length)
                throw new DatasetFormatException(manifestPath, $"line {line} has {fields.Length} tab-separated fields; the header has {header.Length}.");
            if (fields[split] != "train") continue;
            string file = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, fields[path]));
            if (seen.Add(file)) drafts.Add((file, fields[voice].Length > 0 ? fields[voice] : null)); // a file listed twice is used once
        }
        if (drafts.Count == 0) throw new DatasetFormatException(manifestPath, "has no rows with split=train.");
        return AssignIds(drafts);
    }

    // Ids from file names; clashing ones get their speaker prefixed, then a number if they still clash.
    private static List<AudioSource> AssignIds(IReadOnlyList<(string Path, string? Speaker)> files)
    {
        var drafts = files.Select(f => (f.Path, f.Speaker, Id: SafeId(System.IO.Path.GetFileNameWithoutExtension(f.Path)))).ToArray();
        var clashing = drafts.GroupBy(d => d.Id, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<AudioSource>(drafts.Length);
        foreach (var (path, speaker, id) in drafts)
        {
            string chosen = clashing.Contains(id) && speaker is not null ? SafeId(speaker) + "-" + id : id;
            string unique = chosen;
            for (int n = 2; !taken.Add(unique); n++) unique = $"{chosen}-{n}";
            result.Add(new AudioSource(path, speaker, unique));
        }
        return result;
    }

    /// <summary>The name with every character outside letters, digits, '-', '_', '.' replaced by '_' (never "." or "..").</summary>
    internal static string SafeId(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (char c in name) builder.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        string id = builder.ToString();
        return id is "" or "." or ".." ? "_" + id : id;
    }
}
