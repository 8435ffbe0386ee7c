namespace SoundStorm.Onnx.Text;

/// <summary>
/// Written abbreviations and how they are said. Each is matched case-insensitively as a whole word; most need their
/// full stop (so that "fig" the fruit or "no" the word stay words), a few are also written without one.
/// </summary>
internal static class EnglishAbbreviations
{
    /// <summary>How an abbreviation reads.</summary>
    /// <param name="Spoken">The words said (space-separated).</param>
    /// <param name="NeedsStop">Only an abbreviation when followed by a full stop.</param>
    /// <param name="CanEndSentence">Its full stop may also end the sentence ("… apples, pears, etc. Then …"): a pause
    /// follows when the next word is capitalised. Titles (Mr., Dr.) are followed by capitalised names, so not them.</param>
    internal sealed record Entry(string Spoken, bool NeedsStop, bool CanEndSentence);

    private static readonly Dictionary<string, Entry> entries = new(StringComparer.OrdinalIgnoreCase)
    {
        ["mr"] = new("mister", false, false),
        ["mrs"] = new("missus", false, false),
        ["ms"] = new("ms", false, false), // cmudict says "ms" as M IH Z
        ["prof"] = new("professor", true, false),
        ["jr"] = new("junior", false, true),
        ["sr"] = new("senior", false, true),
        ["mt"] = new("mount", true, false),
        ["vs"] = new("versus", false, false),
        ["etc"] = new("et cetera", false, true),
        ["approx"] = new("approximately", true, false),
        ["inc"] = new("incorporated", true, true),
        ["ltd"] = new("limited", true, true),
        ["dept"] = new("department", true, true),
        ["ave"] = new("avenue", true, true),
        ["fig"] = new("figure", true, false),
    };

    /// <summary>Dotted forms read as words rather than spelled out (other dotted letters, "U.S.", are spelled).</summary>
    private static readonly Dictionary<string, string> dotted = new(StringComparer.OrdinalIgnoreCase)
    {
        ["e.g."] = "for example",
        ["i.e."] = "that is",
    };

    public static bool TryGet(string word, bool followedByStop, out Entry entry) =>
        entries.TryGetValue(word, out entry!) && (followedByStop || !entry.NeedsStop);

    public static bool TryGetDotted(string letters, out string spoken) => dotted.TryGetValue(letters, out spoken!);
}
