namespace SoundStorm.Onnx.Text;

/// <summary>
/// Phones of a normalised English word: the dictionary's first pronunciation (as training used the dictionary), a
/// possessive built on a known word ("waldo's"), else the letter-to-sound fallback learnt from the same dictionary.
/// Thread-safe: the fallback belongs to the lexicon and is built once, on the first word the dictionary lacks.
/// </summary>
internal sealed class EnglishPronouncer
{
    // The English letter names (a "EY", w "D AH B AH L Y UW"), as cmudict-en-us.dict has them for "a." … "z.";
    // built in so that spelling does not depend on which dictionary is loaded.
    private static readonly byte[][] letterNames =
        ("EY|B IY|S IY|D IY|IY|EH F|JH IY|EY CH|AY|JH EY|K EY|EH L|EH M|EH N|OW|P IY|K Y UW|AA R|EH S|T IY|Y UW|V IY|" +
         "D AH B AH L Y UW|EH K S|W AY|Z IY").Split('|').Select(Ids).ToArray();

    private static readonly byte[] afterSibilant = Ids("IH Z");
    private static readonly byte[] afterVoiceless = Ids("S");
    private static readonly byte[] afterVoiced = Ids("Z");
    private static readonly HashSet<byte> sibilants = [.. Ids("S Z SH ZH CH JH")];
    private static readonly HashSet<byte> voiceless = [.. Ids("P T K F TH")];

    private readonly PronunciationLexicon lexicon;

    public EnglishPronouncer(PronunciationLexicon lexicon) => this.lexicon = lexicon;

    public bool IsKnown(string lowerCaseWord) => lexicon.TryGetPhoneIds(lowerCaseWord, out _);

    /// <summary>The phone ids of a token (not a pause); <paramref name="guessed"/> says the fallback made them up.</summary>
    public byte[] Pronounce(SpokenToken token, out bool guessed)
    {
        guessed = false;
        if (token.Kind == SpokenTokenKind.Letter)
        {
            return letterNames[token.Text[0] - 'a'];
        }
        string word = token.Text;
        if (lexicon.TryGetPhoneIds(word, out var ids))
        {
            return ids;
        }
        if (word.EndsWith("'s", StringComparison.Ordinal) && lexicon.TryGetPhoneIds(word[..^2], out var stem))
        {
            return [.. stem, .. PossessiveEnding(stem[^1])];
        }
        guessed = true;
        byte[] predicted = lexicon.LetterToSound.Predict(word);
        // A guess of no phones at all (a letter the dictionary never spells with) would drop the word: say its letters.
        return predicted.Length > 0 ? predicted : [.. word.Where(char.IsAsciiLetterLower).SelectMany(c => letterNames[c - 'a'])];
    }

    /// <summary>The English -'s: "IH Z" after a hissing sound (bus's), "S" after another voiceless one (cat's), else "Z".</summary>
    private static byte[] PossessiveEnding(byte last) =>
        sibilants.Contains(last) ? afterSibilant : voiceless.Contains(last) ? afterVoiceless : afterVoiced;

    private static byte[] Ids(string phones) => phones.Split(' ').Select(p => (byte)ArpabetPhones.IdOf(p)).ToArray();
}
