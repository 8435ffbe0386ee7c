namespace SoundStorm.Onnx.Text;

/// <summary>English number words: cardinals, ordinals, years and digit strings (American style, no "and").</summary>
internal static class EnglishNumbers
{
    /// <summary>The largest cardinal read as a number; longer digit strings are read digit by digit.</summary>
    public const long MaxCardinal = 999_999_999_999_999;

    private static readonly string[] ones =
        ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " +
         "seventeen eighteen nineteen").Split(' ');

    private static readonly string[] tens = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".Split(' ');

    private static readonly string[] scales = ["", "thousand", "million", "billion", "trillion"];
    private static readonly long[] scaleUnits = [1, 1_000, 1_000_000, 1_000_000_000, 1_000_000_000_000];

    private static readonly Dictionary<string, string> irregularOrdinals = new(StringComparer.Ordinal)
    {
        ["one"] = "first", ["two"] = "second", ["three"] = "third", ["five"] = "fifth", ["eight"] = "eighth",
        ["nine"] = "ninth", ["twelve"] = "twelfth",
    };

    /// <summary>Appends the words of 0 ≤ <paramref name="n"/> ≤ <see cref="MaxCardinal"/> ("one hundred twenty three").</summary>
    public static void Cardinal(long n, List<string> words)
    {
        if (n == 0)
        {
            words.Add(ones[0]);
            return;
        }
        // Three-digit groups from the highest scale down; an empty group says nothing ("one million one").
        for (int scale = scales.Length - 1; scale >= 0; scale--)
        {
            int group = (int)(n / scaleUnits[scale] % 1000);
            if (group == 0)
            {
                continue;
            }
            BelowThousand(group, words);
            if (scale > 0)
            {
                words.Add(scales[scale]);
            }
        }
    }

    /// <summary>Appends the ordinal of <paramref name="n"/> ("twenty first", "one hundredth").</summary>
    public static void Ordinal(long n, List<string> words)
    {
        Cardinal(n, words);
        words[^1] = OrdinalOf(words[^1]);
    }

    /// <summary>Appends a year as it is said: 1999 "nineteen ninety nine", 1905 "nineteen oh five", 1900 "nineteen
    /// hundred", 2000–2009 "two thousand …", 2024 "twenty twenty four". For 1000 ≤ <paramref name="year"/> ≤ 9999.</summary>
    public static void Year(int year, List<string> words)
    {
        int high = year / 100, low = year % 100;
        if (year % 1000 == 0 || year is >= 2000 and <= 2009)
        {
            Cardinal(year, words);
            return;
        }
        BelowHundred(high, words);
        if (low == 0)
        {
            words.Add("hundred");
        }
        else if (low < 10)
        {
            words.Add("oh");
            words.Add(ones[low]);
        }
        else
        {
            BelowHundred(low, words);
        }
    }

    /// <summary>Appends one word a digit ("zero" for 0, as the training transcripts were read).</summary>
    public static void Digits(ReadOnlySpan<char> digits, List<string> words)
    {
        foreach (char c in digits)
        {
            if (char.IsAsciiDigit(c))
            {
                words.Add(ones[c - '0']);
            }
        }
    }

    /// <summary>The ordinal of a cardinal's last word ("twenty" → "twentieth").</summary>
    public static string OrdinalOf(string word) =>
        irregularOrdinals.TryGetValue(word, out var ordinal) ? ordinal
        : word.EndsWith('y') ? word[..^1] + "ieth"
        : word + "th";

    /// <summary>The plural of a number word, as in "the 1990s" → "nineties" or "sixes".</summary>
    public static string PluralOf(string word) =>
        word.EndsWith('y') ? word[..^1] + "ies"
        : word.EndsWith('x') ? word + "es"
        : word + "s";

    private static void BelowThousand(int n, List<string> words)
    {
        if (n >= 100)
        {
            words.Add(ones[n / 100]);
            words.Add("hundred");
            n %= 100;
            if (n == 0)
            {
                return;
            }
        }
        BelowHundred(n, words);
    }

    private static void BelowHundred(int n, List<string> words)
    {
        if (n < 20)
        {
            words.Add(ones[n]);
            return;
        }
        words.Add(tens[n / 10]);
        if (n % 10 != 0)
        {
            words.Add(ones[n % 10]);
        }
    }
}
