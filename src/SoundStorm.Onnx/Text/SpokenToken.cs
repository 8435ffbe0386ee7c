namespace SoundStorm.Onnx.Text;

/// <summary>What a normaliser hands to pronunciation: a word to look up, a letter to say by its name, or a pause.</summary>
internal enum SpokenTokenKind
{
    Word,
    Letter,
    Pause,
}

/// <summary>One unit of normalised text: a lower-case word, a single lower-case letter (spelled), or a pause (no text).</summary>
internal readonly record struct SpokenToken(SpokenTokenKind Kind, string Text)
{
    public static readonly SpokenToken Pause = new(SpokenTokenKind.Pause, "");
}
