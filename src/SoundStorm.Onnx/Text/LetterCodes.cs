namespace SoundStorm.Onnx.Text;

/// <summary>
/// Letters as small codes for the letter-to-sound fallback: a–z are 1–26, the apostrophe 27, and 0 is the padding
/// beyond either end of a word (so a context can tell "starts the word" from any letter). Five bits hold a code.
/// </summary>
internal static class LetterCodes
{
    public const int Bits = 5;
    public const int Count = 28;

    /// <summary>The codes of a lower-case word's letters; any other character is skipped (callers pass cleaned words).</summary>
    public static byte[] Encode(string word)
    {
        var codes = new List<byte>(word.Length);
        foreach (char c in word)
        {
            if (c is >= 'a' and <= 'z')
            {
                codes.Add((byte)(c - 'a' + 1));
            }
            else if (c == '\'')
            {
                codes.Add(27);
            }
        }
        return [.. codes];
    }

    /// <summary>Whether every character of <paramref name="word"/> has a code (the words the fallback learns from).</summary>
    public static bool IsEncodable(string word) =>
        word.Length > 0 && word.All(c => c is (>= 'a' and <= 'z') or '\'');
}
