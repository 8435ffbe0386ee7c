using System.Text.RegularExpressions;

namespace SoundStorm.Onnx.Text;

/// <summary>
/// English text → the words said, with pauses where punctuation asks for one: numbers, money, times, percentages and
/// abbreviations become words, capitalised acronyms unknown to the dictionary are spelled, and the rest of the
/// punctuation and symbols fall away. Input is <see cref="TextCleaner"/>'s output.
/// </summary>
internal sealed partial class EnglishNormalizer(Func<string, bool> isKnownWord)
{
    /// <summary>An all-capital word the dictionary lacks is spelled when it is this short (or has no vowel): longer
    /// ones ("COVID") are more often read as words than letter by letter.</summary>
    private const int MaxSpelledLength = 4;

    // One alternative per kind of token, tried in this order at each position. Everything between matches (spaces,
    // quotes, hyphens inside words, symbols with no spoken form) is dropped.
    [GeneratedRegex("""
        (?<phone>(?<![\w.,+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{3}\)[ ]?|\d{3}[ .-])?\d{3}[.-]\d{4}(?![\w]))
        | (?<time>(?<![\d:.,])(?<hour>[01]?\d|2[0-3]):(?<minute>[0-5]\d)(?![\d:])(?:[ ]?(?<ampm>[AaPp](?:\.[Mm]\.|[Mm]))(?![A-Za-z]))?)
        | (?<time>(?<![\d:.,])(?<hour>1[0-2]|0?[1-9])[ ]?(?<ampm>[AaPp](?:\.[Mm]\.|[Mm]))(?![A-Za-z]))
        | (?<money>(?:(?<![\w)])(?<sign>-))?(?<currency>[$£€¥])[ ]?(?<int>\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.(?<frac>\d+))?(?:[ ](?<scale>(?i:thousand|million|billion|trillion))(?![A-Za-z]))?)
        | (?<number>(?:(?<![\w)])(?<sign>[-+]))?(?<int>\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.(?<frac>\d+))?(?:(?<suffix>st|nd|rd|th|s)(?![A-Za-z]))?(?<percent>[ ]?%)?)
        | (?<dotted>(?:[A-Za-z]\.){2,})
        | (?<word>[A-Za-z]+(?:'[A-Za-z]+)*'?)
        | (?<dot>(?<=[A-Za-z0-9])\.(?=[A-Za-z]))
        | (?<pause>\.{2,}|-{2,}|[.!?;:,()\[\]{}]|(?<=\s)-(?=\s))
        | (?<symbol>[&@+=*#%])
        """, RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture)]
    private static partial Regex TokenPattern();

    /// <summary>The spoken tokens of cleaned text: no pause first or last, never two pauses in a row.</summary>
    public List<SpokenToken> Normalize(string text)
    {
        var output = new TokenWriter();
        var matches = TokenPattern().Matches(text);
        for (int k = 0; k < matches.Count; k++)
        {
            var m = matches[k];
            var next = k + 1 < matches.Count ? matches[k + 1] : null;
            var previous = k > 0 ? matches[k - 1] : null;
            if (m.Groups["phone"].Success)
            {
                ReadPhoneNumber(m.Value, output);
            }
            else if (m.Groups["time"].Success)
            {
                ReadTime(m, output);
            }
            else if (m.Groups["money"].Success)
            {
                ReadMoney(m, output);
            }
            else if (m.Groups["number"].Success)
            {
                ReadNumber(m, output);
            }
            else if (m.Groups["dotted"].Success)
            {
                ReadDotted(m.Value, output); // its last full stop is taken as part of it: "U.S. Army" has no pause
            }
            else if (m.Groups["word"].Success)
            {
                k += ReadWord(text, m, previous, next, output);
            }
            else if (m.Groups["dot"].Success)
            {
                output.Word("dot"); // a full stop inside a name: "example.com", "file.txt"
            }
            else if (m.Groups["pause"].Success)
            {
                output.Pause();
            }
            else
            {
                ReadSymbol(m.Value[0], next, output);
            }
        }
        return output.Finish();
    }

    private static void ReadPhoneNumber(string value, TokenWriter output)
    {
        // Digit by digit, a pause between the groups as a reader makes one ("five five five, one two three four").
        var groups = value.Split([' ', '-', '.', '(', ')', '+'], StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < groups.Length; i++)
        {
            if (i > 0)
            {
                output.Pause();
            }
            output.Words(words => EnglishNumbers.Digits(groups[i], words));
        }
    }

    private static void ReadTime(Match m, TokenWriter output)
    {
        int hour = int.Parse(m.Groups["hour"].ValueSpan);
        var ampm = m.Groups["ampm"];
        output.Words(words => EnglishNumbers.Cardinal(hour, words));
        if (m.Groups["minute"].Success)
        {
            int minute = int.Parse(m.Groups["minute"].ValueSpan);
            if (minute == 0 && !ampm.Success)
            {
                output.Word(hour <= 12 ? "o'clock" : "hundred"); // "three o'clock", "fourteen hundred"
            }
            else if (minute is > 0 and < 10)
            {
                output.Word("oh"); // "ten oh five"
                output.Words(words => EnglishNumbers.Cardinal(minute, words));
            }
            else if (minute >= 10)
            {
                output.Words(words => EnglishNumbers.Cardinal(minute, words));
            }
        }
        if (ampm.Success)
        {
            output.Letter(char.ToLowerInvariant(ampm.Value[0]));
            output.Letter('m');
        }
    }

    private static void ReadMoney(Match m, TokenWriter output)
    {
        var currency = Currency.Of(m.Groups["currency"].Value[0]);
        if (m.Groups["sign"].Success)
        {
            output.Word("minus");
        }
        string whole = m.Groups["int"].Value.Replace(",", "", StringComparison.Ordinal);
        var frac = m.Groups["frac"];
        if (!long.TryParse(whole, out long major) || major > EnglishNumbers.MaxCardinal)
        {
            output.Words(words => EnglishNumbers.Digits(whole, words));
            output.Word(currency.Plural);
            return;
        }
        if (m.Groups["scale"].Success)
        {
            // "$1.5 million": the amount as a number, then the scale, then the currency ("… million dollars").
            ReadDecimal(major, frac, output);
            output.Word(m.Groups["scale"].Value.ToLowerInvariant());
            output.Word(currency.Plural);
            return;
        }
        if (frac.Success && (frac.Length > 2 || currency.MinorPlural is null))
        {
            ReadDecimal(major, frac, output); // "$1.505", "¥3.5": no sensible minor unit
            output.Word(currency.Plural);
            return;
        }
        int minor = frac.Success ? int.Parse(frac.Length == 1 ? frac.Value + "0" : frac.Value) : 0;
        if (major > 0 || minor == 0)
        {
            output.Words(words => EnglishNumbers.Cardinal(major, words));
            output.Word(major == 1 ? currency.Singular : currency.Plural);
        }
        if (minor > 0)
        {
            output.Words(words => EnglishNumbers.Cardinal(minor, words));
            output.Word(minor == 1 ? currency.MinorSingular! : currency.MinorPlural!);
        }
    }

    private static void ReadNumber(Match m, TokenWriter output)
    {
        string digits = m.Groups["int"].Value;
        bool grouped = digits.Contains(',', StringComparison.Ordinal);
        string whole = digits.Replace(",", "", StringComparison.Ordinal);
        var frac = m.Groups["frac"];
        var suffix = m.Groups["suffix"];
        var sign = m.Groups["sign"];
        if (sign.Success)
        {
            output.Word(sign.Value == "-" ? "minus" : "plus");
        }
        bool plain = !grouped && !frac.Success && !sign.Success && !m.Groups["percent"].Success;
        if ((whole.Length > 1 && whole[0] == '0' && !grouped) || !long.TryParse(whole, out long n) || n > EnglishNumbers.MaxCardinal)
        {
            // "007", "0800", or longer than any number word: a code, said digit by digit.
            output.Words(words => EnglishNumbers.Digits(whole, words));
        }
        else if (suffix.Success && suffix.Value != "s")
        {
            output.Words(words => EnglishNumbers.Ordinal(n, words));
        }
        else if (plain && whole.Length == 4 && n is >= 1000 and <= 2099)
        {
            output.Words(words => EnglishNumbers.Year((int)n, words)); // a bare four-digit number is most often a year
        }
        else
        {
            ReadDecimal(n, frac, output);
        }
        if (suffix.Success && suffix.Value == "s")
        {
            output.PluralizeLastWord(); // "the 1990s", "in your 20s"
        }
        if (m.Groups["percent"].Success)
        {
            output.Word("percent");
        }
    }

    private static void ReadDecimal(long whole, Group frac, TokenWriter output)
    {
        output.Words(words => EnglishNumbers.Cardinal(whole, words));
        if (frac.Success)
        {
            output.Word("point");
            output.Words(words => EnglishNumbers.Digits(frac.ValueSpan, words));
        }
    }

    private static void ReadDotted(string value, TokenWriter output)
    {
        if (EnglishAbbreviations.TryGetDotted(value, out var spoken))
        {
            output.Phrase(spoken);
            return;
        }
        foreach (char c in value)
        {
            if (c != '.')
            {
                output.Letter(char.ToLowerInvariant(c));
            }
        }
    }

    /// <summary>Reads a word (and the full stop of an abbreviation); returns how many further matches it consumed.</summary>
    private int ReadWord(string text, Match m, Match? previous, Match? next, TokenWriter output)
    {
        string word = m.Value.TrimEnd('\'');
        int end = m.Index + m.Length;
        bool stop = end < text.Length && text[end] == '.';
        bool stopIsNext = stop && next is not null && next.Index == end && next.Value == ".";
        string lower = word.ToLowerInvariant();

        if (lower is "no" && stopIsNext && IsNumberAfter(text, next!))
        {
            output.Word("number"); // "No. 5"
            return 1;
        }
        if (lower is "dr" or "st")
        {
            bool nextCapitalised = IsCapitalisedWordAfter(next, stopIsNext);
            bool previousCapitalised = previous is not null && previous.Groups["word"].Success && char.IsAsciiLetterUpper(previous.Value[0])
                && text.AsSpan(previous.Index + previous.Length, m.Index - previous.Index - previous.Length).IsWhiteSpace();
            // "Dr. Smith", "St. Louis" before a name; "Elm Dr.", "Baker St." after one; alone, the likelier reading.
            output.Word(lower == "dr"
                ? (nextCapitalised || !previousCapitalised ? "doctor" : "drive")
                : (!nextCapitalised || previousCapitalised ? "street" : "saint"));
            return stopIsNext ? 1 : 0;
        }
        if (EnglishAbbreviations.TryGet(lower, stop, out var entry))
        {
            output.Phrase(entry.Spoken);
            if (!stopIsNext)
            {
                return 0;
            }
            if (entry.CanEndSentence && IsCapitalisedWordAfter(next, stopIsNext: true))
            {
                output.Pause();
            }
            return 1;
        }
        if (ShouldSpell(word, lower))
        {
            foreach (char c in lower)
            {
                output.Letter(c);
            }
            return 0;
        }
        output.Word(lower);
        return 0;
    }

    private bool ShouldSpell(string word, string lower) =>
        word.Length >= 2 && word.All(char.IsAsciiLetterUpper) && !isKnownWord(lower)
        && (word.Length <= MaxSpelledLength || !word.Any(c => "AEIOUY".Contains(c, StringComparison.Ordinal)));

    private static bool IsNumberAfter(string text, Match stop)
    {
        var after = stop.NextMatch();
        return after.Success && after.Groups["number"].Success
            && text.AsSpan(stop.Index + 1, after.Index - stop.Index - 1).IsWhiteSpace();
    }

    private static bool IsCapitalisedWordAfter(Match? next, bool stopIsNext)
    {
        var candidate = stopIsNext ? next!.NextMatch() : next; // past the abbreviation's own full stop
        return candidate is { Success: true } && candidate.Groups["word"].Success && char.IsAsciiLetterUpper(candidate.Value[0]);
    }

    private static void ReadSymbol(char symbol, Match? next, TokenWriter output)
    {
        switch (symbol)
        {
            case '&': output.Word("and"); break;
            case '@': output.Word("at"); break;
            case '+': output.Word("plus"); break;
            case '=': output.Word("equals"); break;
            case '*': output.Word("star"); break; // as on a telephone keypad, like the training transcripts
            case '%': output.Word("percent"); break;
            case '#': output.Word(next is not null && next.Groups["number"].Success ? "number" : "pound"); break;
        }
    }
}
