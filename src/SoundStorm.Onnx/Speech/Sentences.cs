namespace SoundStorm.Onnx.Speech;

/// <summary>Cuts a text into sentences for streamed speech: after '.', '!' or '?' (and any closing quotes or brackets) followed by white space.</summary>
internal static class Sentences
{
    // Abbreviations that are followed by a name or a number rather than end a sentence.
    private static readonly string[] Titles = ["Mr", "Mrs", "Ms", "Dr", "St", "Jr", "Sr", "Prof", "Mt", "No", "vs", "etc", "e.g", "i.e"];

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
            var word = text.AsSpan(wordStart, dot - wordStart);
            if (word.Length == 1) return char.IsUpper(word[0]); // an initial
            foreach (string title in Titles)
                if (word.Equals(title, StringComparison.OrdinalIgnoreCase)) return true;
            return false;
        }

        void Add(string piece)
        {
            if (!string.IsNullOrWhiteSpace(piece)) sentences.Add(piece.Trim());
        }
    }
}
