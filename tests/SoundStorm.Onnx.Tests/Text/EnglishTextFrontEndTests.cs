using SoundStorm.Onnx.Text;

namespace SoundStorm.Onnx.Tests.Text;

public sealed class EnglishTextFrontEndTests
{
    [CmudictFact]
    public void Pauses_are_single_silences_at_the_ends_and_at_punctuation()
    {
        var result = Cmudict.FrontEnd.Analyze("Hello, world.");
        Assert.Equal("SIL HH AH L OW SIL W ER L D SIL", string.Join(' ', result.Phones));
        Assert.Equal(["hello", "world"], result.Words);
        Assert.Equal(result.Phones.Select(ArpabetPhones.IdOf), result.Ids);
        Assert.Equal(0, result.Ids[0]);
        Assert.Empty(result.GuessedWords);
        Assert.Equal("en", Cmudict.FrontEnd.Language);
    }

    [CmudictFact]
    public void Normalised_text_is_pronounced_from_the_dictionary()
    {
        Assert.Equal("SIL T W EH L V D AA L ER Z F IH F T IY S EH N T S SIL", string.Join(' ', Cmudict.FrontEnd.ToPhones("$12.50")));
        // Spelled letters use the letter names, not the dictionary's "a" (AH).
        Assert.Equal("SIL EH K S K EY S IY D IY SIL", string.Join(' ', Cmudict.FrontEnd.ToPhones("XKCD")));
        Assert.Equal("SIL Y UW EH S EY SIL", string.Join(' ', Cmudict.FrontEnd.ToPhones("U.S.A.")));
    }

    [CmudictFact]
    public void Dictionary_words_get_their_first_dictionary_pronunciation()
    {
        // 300 seeded random plain words (a–z only; the abbreviations the normaliser expands, such as "vs", aside).
        var words = Cmudict.Lexicon.Words
            .Where(w => w.All(char.IsAsciiLetterLower) && !EnglishAbbreviations.TryGet(w, true, out _) && w is not ("dr" or "st" or "no"))
            .Order(StringComparer.Ordinal).ToArray();
        var rng = new Random(2101);
        foreach (string word in Enumerable.Range(0, 300).Select(_ => words[rng.Next(words.Length)]))
        {
            Assert.True(Cmudict.Lexicon.TryGetPronunciation(word, out var expected));
            var result = Cmudict.FrontEnd.Analyze(word);
            Assert.Equal(["SIL", .. expected, "SIL"], result.Phones);
            Assert.Equal([word], result.Words);
        }
    }

    // Corpus transcripts (manifest-en.tsv) and the phone sequence align-phones.py builds for them — each word's first
    // cmudict-en-us.dict pronunciation — with this front end's silences where the punctuation is. The alignment allows
    // a silence between any two words and at both ends, so these sequences are paths through its grammar.
    [CmudictTheory]
    [InlineData("Login incorrect.  Please enter your agent number followed by the pound key.",
        "SIL L AO G IH N IH N K ER EH K T SIL P L IY Z EH N T ER Y AO R EY JH AH N T N AH M B ER F AA L OW D B AY DH AH P AW N D K IY SIL")]
    [InlineData("the person you are calling is not at their desk; I will try to locate them for you",
        "SIL DH AH P ER S AH N Y UW AA R K AO L IH NG IH Z N AA T AE T DH EH R D EH S K SIL AY W IH L T R AY T UW L OW K EY T DH EH M F AO R Y UW SIL")]
    [InlineData("press 1 to switch to record mode, press 2 to toggle fast playback, press 7 to jump backwards, press 8 to jump forwards",
        "SIL P R EH S W AH N T UW S W IH CH T UW R AH K AO R D M OW D SIL P R EH S T UW T UW T AA G AH L F AE S T P L EY B AE K SIL " +
        "P R EH S S EH V AH N T UW JH AH M P B AE K W ER D Z SIL P R EH S EY T T UW JH AH M P F AO R W ER D Z SIL")]
    [InlineData("Call-Forward on No Answer.", "SIL K AO L F AO R W ER D AA N N OW AE N S ER SIL")]
    [InlineData("This conference is locked!", "SIL DH IH S K AA N F ER AH N S IH Z L AA K T SIL")]
    [InlineData("At the sound of the tone, the time will be exactly...",
        "SIL AE T DH AH S AW N D AH V DH AH T OW N SIL DH AH T AY M W IH L B IY IH G Z AE K T L IY SIL")]
    public void Corpus_transcripts_give_the_alignments_phones(string transcript, string expected) =>
        Assert.Equal(expected, string.Join(' ', Cmudict.FrontEnd.ToPhones(transcript)));

    [CmudictFact]
    public void A_merged_lexicon_adds_the_corpus_extra_pronunciations_as_align_phones_does()
    {
        // One line of scripts/corpus/extra-pronunciations.dict: cmudict-en-us.dict lacks "waldo's".
        using var extra = new MemoryStream("waldo's W AO L D OW Z\n"u8.ToArray());
        var frontEnd = new EnglishTextFrontEnd(Cmudict.Lexicon.Merge(PronunciationLexicon.Load(extra)));
        Assert.Equal(
            "SIL TH AE NG K Y UW F AO R K AO L IH NG S UW P ER AA S AH M K AH M P AH N IY SIL W AO L D OW Z P R EH M IH R " +
            "P R AH V AY D ER AH V P ER F EH K T P R AA D AH K T S SIL",
            string.Join(' ', frontEnd.ToPhones("Thank you for calling Super Awesome Company, Waldo's premier provider of perfect products.")));
        // Without it, the possessive is built on cmudict's "waldo" (W AA L D OW) with the voiced ending.
        Assert.Equal("SIL W AA L D OW Z SIL", string.Join(' ', Cmudict.FrontEnd.ToPhones("Waldo's")));
        Assert.Equal("SIL B AH S IH Z SIL", string.Join(' ', Cmudict.FrontEnd.ToPhones("bus's")));
    }

    [CmudictFact]
    public void Words_missing_from_the_dictionary_are_guessed_and_reported()
    {
        var result = Cmudict.FrontEnd.Analyze("The snorfblat and the snorfblat, again.");
        Assert.Equal(["snorfblat"], result.GuessedWords);
        Assert.Equal(["the", "snorfblat", "and", "the", "snorfblat", "again"], result.Words);
        // "snorf" and "blat" spelled regularly: the guess starts S N AO R F and ends B L AE T.
        string phones = string.Join(' ', result.Phones);
        Assert.StartsWith("SIL DH AH S N AO R F B L AE T AH N D", phones);
        Assert.All(result.Ids, id => Assert.InRange(id, 0, ArpabetPhones.Count - 1));
    }

    [CmudictFact]
    public void Too_long_text_is_refused_before_anything_else_naming_the_limit_and_the_length()
    {
        string text = new('日', EnglishTextFrontEnd.MaxCharacters + 1); // unspeakable as well: the length is named first
        var e = Assert.Throws<ArgumentException>(() => Cmudict.FrontEnd.Analyze(text));
        Assert.Equal("text", e.ParamName);
        Assert.Contains($"{EnglishTextFrontEnd.MaxCharacters + 1} characters", e.Message);
        Assert.Contains($"at most {EnglishTextFrontEnd.MaxCharacters}", e.Message);
        // The limit itself is accepted.
        Assert.NotEmpty(Cmudict.FrontEnd.ToPhones(string.Concat(Enumerable.Repeat("a ", EnglishTextFrontEnd.MaxCharacters / 2))));
    }

    [CmudictTheory]
    [InlineData("", "empty")]
    [InlineData(" \t\n", "empty")]
    [InlineData("!!! ... ???", "nothing to say")]
    [InlineData("日本語のテキスト", "nothing to say")]
    [InlineData("😀👍", "nothing to say")]
    public void Empty_or_unspeakable_text_is_refused_saying_why(string text, string problem)
    {
        var e = Assert.Throws<ArgumentException>(() => Cmudict.FrontEnd.Analyze(text));
        Assert.Equal("text", e.ParamName);
        Assert.Contains(problem, e.Message);
    }

    [CmudictFact]
    public void Null_is_refused() => Assert.Throws<ArgumentNullException>(() => Cmudict.FrontEnd.ToPhones(null!));

    [Fact]
    public void A_missing_lexicon_is_refused() => Assert.Throws<ArgumentNullException>(() => new EnglishTextFrontEnd(null!));

    [Fact]
    public void Analysis_is_thread_safe_including_the_fallback_built_on_first_use()
    {
        // A small lexicon, so that its fallback is quick to learn; each run starts with it unbuilt.
        const string dictionary = """
            cat K AE T
            cap K AE P
            tap T AE P
            tip T IH P
            pit P IH T
            pat P AE T
            sat S AE T
            sit S IH T
            tat T AE T
            """;
        string[] texts = ["tipcat 42.", "patsit, $3.", "captap at 10:05 pm.", "sitpat's 1999."];
        var expected = texts.Select(t => string.Join(' ', Fresh().ToPhones(t))).ToArray();
        var frontEnd = Fresh();
        var results = new string[texts.Length * 8];
        Parallel.For(0, results.Length, i => results[i] = string.Join(' ', frontEnd.ToPhones(texts[i % texts.Length])));
        for (int i = 0; i < results.Length; i++)
        {
            Assert.Equal(expected[i % texts.Length], results[i]);
        }
        Assert.StartsWith("SIL T IH P K AE T ", expected[0]); // learnt from tip and cat

        EnglishTextFrontEnd Fresh() =>
            new(PronunciationLexicon.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(dictionary))));
    }
}
