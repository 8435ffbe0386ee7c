using SoundStorm.Trainer.Data;

namespace SoundStorm.Trainer.Semantic.Pretraining;

/// <summary>
/// Forced-aligned phone labels per 20 ms frame, as <c>scripts/corpus/align-phones.py</c> writes them
/// (<c>phones.tsv</c>: a header <c>path, frames, labels</c>, then one row per utterance: its path relative to the
/// corpus folder, its frame count and one symbol per frame, space-separated). Frame t covers samples
/// [320t, 320t + 400), the HuBERT extractor's frames, so the labels are the targets of those frames as they stand.
/// </summary>
internal static class PhoneLabels
{
    /// <summary>
    /// The label inventory and its ids (the script's order): silence, then the 39 ARPAbet phones of CMUdict in
    /// alphabetical order. The token datasets made from the same labels use the same ids.
    /// </summary>
    public static readonly IReadOnlyList<string> Symbols =
    [
        "SIL", "AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D", "DH", "EH", "ER", "EY", "F", "G", "HH", "IH", "IY", "JH",
        "K", "L", "M", "N", "NG", "OW", "OY", "P", "R", "S", "SH", "T", "TH", "UH", "UW", "V", "W", "Y", "Z", "ZH",
    ];

    /// <summary>
    /// Reads <paramref name="file"/> into full audio path (resolved against <paramref name="corpusFolder"/>) → label
    /// ids. A malformed row (wrong field count, a frame count that is not the number of labels, an unknown symbol) is a
    /// <see cref="DatasetFormatException"/> naming the file and line.
    /// </summary>
    public static IReadOnlyDictionary<string, long[]> Read(string file, string corpusFolder)
    {
        if (!File.Exists(file)) throw new DatasetFormatException(file, "phone label file not found.");
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < Symbols.Count; i++) ids[Symbols[i]] = i;
        var result = new Dictionary<string, long[]>(StringComparer.Ordinal);
        int line = 0;
        foreach (string text in File.ReadLines(file))
        {
            line++;
            if (line == 1)
            {
                if (text != "path\tframes\tlabels")
                    throw new DatasetFormatException(file, $"line 1 must be the header 'path<TAB>frames<TAB>labels'; found '{Shorten(text)}'.");
                continue;
            }
            if (text.Length == 0) continue;
            string[] fields = text.Split('\t');
            if (fields.Length != 3) throw new DatasetFormatException(file, $"line {line} has {fields.Length} tab-separated fields; expected 3 (path, frames, labels).");
            string[] symbols = fields[2].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (!int.TryParse(fields[1], out int frames) || frames != symbols.Length)
                throw new DatasetFormatException(file, $"line {line}: frames is '{fields[1]}' but the row holds {symbols.Length} labels.");
            var labels = new long[symbols.Length];
            for (int t = 0; t < symbols.Length; t++)
            {
                if (!ids.TryGetValue(symbols[t], out labels[t]))
                    throw new DatasetFormatException(file, $"line {line}, frame {t}: unknown phone '{Shorten(symbols[t])}' (expected one of {string.Join(" ", Symbols)}).");
            }
            result[Path.GetFullPath(Path.Combine(corpusFolder, fields[0]))] = labels;
        }
        if (result.Count == 0) throw new DatasetFormatException(file, "holds no labelled utterance.");
        return result;
    }

    /// <summary>
    /// The labels fitted to <paramref name="frames"/> frames: the aligner and the audio reader may differ by a frame at
    /// the end (resampling rounding), which repeats the last label or drops the extra one; a larger difference means the
    /// labels belong to other audio and is an error naming <paramref name="path"/>.
    /// </summary>
    public static long[] Fit(long[] labels, int frames, string path)
    {
        if (Math.Abs(labels.Length - frames) > 1)
            throw new DatasetFormatException(path, $"has {frames} frames but its phone labels cover {labels.Length}; were they aligned on other audio?");
        var fitted = new long[frames];
        for (int t = 0; t < frames; t++) fitted[t] = labels[Math.Min(t, labels.Length - 1)];
        return fitted;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
