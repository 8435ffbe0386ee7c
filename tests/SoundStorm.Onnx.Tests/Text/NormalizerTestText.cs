using SoundStorm.Onnx.Text;

namespace SoundStorm.Onnx.Tests.Text;

/// <summary>Normalised text written out for assertions: words, spelled letters as "x.", pauses as "|".</summary>
internal static class NormalizerTestText
{
    /// <summary>The words a small stand-in dictionary knows (for the acronym rule: known capitals are words).</summary>
    private static readonly HashSet<string> known = ["usa", "ibm", "nasa", "hello", "i"];

    public static string Normalize(string text) =>
        string.Join(' ', new EnglishNormalizer(known.Contains).Normalize(TextCleaner.Clean(text)).Select(t => t.Kind switch
        {
            SpokenTokenKind.Pause => "|",
            SpokenTokenKind.Letter => t.Text + ".",
            _ => t.Text,
        }));
}
