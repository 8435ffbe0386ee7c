namespace SoundStorm.Onnx.Speech;

/// <summary>Cuts a text into sentences for streamed speech: after '.', '!' or '?' (and any closing quotes or brackets) followed by white space.</summary>
internal static class Sentences
{
    public static IReadOnlyList<string> Split(string text)
    {
        var sentences = new List<string>();
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] is not ('.' or '!' or '?')) continue;
            int end = i + 1;
            while (end < text.Length && text[end] is '"' or '\'' or ')' or ']' or '”' or '’') end++;
            if (end < text.Length && !char.IsWhiteSpace(text[end])) continue; // "3.5", "e.g.x": not a sentence end
            if (text[i] == '.' && end < text.Length && IsAbbreviation(text, i)) continue; // "Dr. Smith", "J. Smith"
            Add(text[start..end]);
            start = end;
            i = end - 1;
        }
        Add(text[start..]);
        return sentences;

        static bool IsAbbreviation(string text, int dot)
        {
            int wordStart = dot;
            while (wordStart > 0 && char.IsLetter(text[wordStart - 1])) wordStart--;
            int length = dot - wordStart;
            return length is >= 1 and <= 3 && char.IsUpper(text[wordStart]); // Mr. Mrs. Dr. St. No. and initials
        }

        void Add(string piece)
        {
            if (!string.IsNullOrWhiteSpace(piece)) sentences.Add(piece.Trim());
        }
    }
}
