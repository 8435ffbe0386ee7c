namespace SoundStorm.Onnx.Text;

/// <summary>
/// English text → phones for the text-to-speech models: normalisation (numbers, money, times, abbreviations,
/// acronyms), pronunciation from a CMUdict-format <see cref="PronunciationLexicon"/> with a letter-to-sound fallback
/// learnt from it, and punctuation as pauses. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// The phone sequence has the shape of the training alignments (scripts/corpus/align-phones.py): a word's first
/// dictionary pronunciation, stress dropped, and <see cref="ArpabetPhones.Silence"/> only between words and at both
/// ends — here at the start, the end, and each sentence end, comma, semicolon, colon, dash or bracket, one symbol a
/// pause (the model's duration predictor decides how long).
/// </remarks>
/// <example>
/// <code>
/// var frontEnd = new EnglishTextFrontEnd(PronunciationLexicon.Load("cmudict-en-us.dict.gz"));
/// IReadOnlyList&lt;string&gt; phones = frontEnd.ToPhones("Dr. Smith paid $12.50.");
/// // SIL D AA K T ER S M IH TH P EY D T W EH L V D AA L ER Z F IH F T IY S EH N T S SIL
/// </code>
/// </example>
internal sealed class EnglishTextFrontEnd : ITextFrontEnd
{
    /// <summary>The longest text read in one call, in UTF-16 characters (checked before anything else): about a page,
    /// far more than a model speaks in one go; longer texts should be split into sentences by the caller.</summary>
    public const int MaxCharacters = 5_000;

    private readonly EnglishPronouncer pronouncer;
    private readonly EnglishNormalizer normalizer;

    /// <summary>A front end pronouncing with <paramref name="lexicon"/> (cmudict-en-us.dict for the shipped models).</summary>
    public EnglishTextFrontEnd(PronunciationLexicon lexicon)
    {
        ArgumentNullException.ThrowIfNull(lexicon);
        pronouncer = new EnglishPronouncer(lexicon);
        normalizer = new EnglishNormalizer(pronouncer.IsKnown);
    }

    /// <inheritdoc/>
    public string Language => "en";

    /// <inheritdoc/>
    public IReadOnlyList<string> ToPhones(string text) => Analyze(text).Phones;

    /// <inheritdoc/>
    public PhoneSequence Analyze(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxCharacters)
        {
            throw new ArgumentException(
                $"The text has {text.Length} characters; EnglishTextFrontEnd reads at most {MaxCharacters} " +
                "(EnglishTextFrontEnd.MaxCharacters) at a time: split it into sentences.", nameof(text));
        }
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ArgumentException("The text is empty: there is nothing to say.", nameof(text));
        }
        var tokens = normalizer.Normalize(TextCleaner.Clean(text));
        if (tokens.Count == 0)
        {
            throw new ArgumentException(
                "The text has nothing to say in English: no Latin letters or digits remain once punctuation, " +
                "symbols and characters of other scripts are set aside.", nameof(text));
        }
        return Pronounce(tokens);
    }

    private PhoneSequence Pronounce(List<SpokenToken> tokens)
    {
        var words = new List<string>(tokens.Count);
        var ids = new List<int>(tokens.Count * 4) { ArpabetPhones.SilenceId };
        var guessed = new List<string>();
        foreach (var token in tokens)
        {
            if (token.Kind == SpokenTokenKind.Pause)
            {
                ids.Add(ArpabetPhones.SilenceId);
                continue;
            }
            words.Add(token.Kind == SpokenTokenKind.Letter ? token.Text + "." : token.Text);
            byte[] phones = pronouncer.Pronounce(token, out bool wasGuessed);
            if (wasGuessed && !guessed.Contains(token.Text))
            {
                guessed.Add(token.Text);
            }
            foreach (byte id in phones)
            {
                ids.Add(id);
            }
        }
        ids.Add(ArpabetPhones.SilenceId);
        var symbols = ids.Select(ArpabetPhones.SymbolOf).ToArray();
        return new PhoneSequence(words.AsReadOnly(), Array.AsReadOnly(symbols), ids.AsReadOnly(), guessed.AsReadOnly());
    }
}
