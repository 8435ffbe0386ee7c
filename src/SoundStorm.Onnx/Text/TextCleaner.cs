using System.Text;

namespace SoundStorm.Onnx.Text;

/// <summary>
/// Brings arbitrary Unicode text to the characters the English normaliser reads: ASCII letters, digits, spaces and
/// punctuation. Typographic quotes and dashes become their ASCII forms, accented Latin letters lose their accents,
/// full-width forms become ASCII, and anything else (other scripts, emoji, control characters) becomes a space.
/// </summary>
/// <remarks>
/// The library runs with invariant globalisation, where <see cref="string.Normalize()"/> does nothing, so the accents
/// are taken off by a table of the Latin-1 and Latin Extended-A letters rather than by decomposition.
/// </remarks>
internal static class TextCleaner
{
    // Each accented letter and the letters it reads as (Unicode's decompositions, plus the usual ligature spellings).
    private static readonly Dictionary<char, string> latin = BuildLatinTable();

    public static string Clean(string text)
    {
        var sb = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c < 128)
            {
                sb.Append(char.IsControl(c) ? ' ' : c);
            }
            else if (latin.TryGetValue(c, out var plain))
            {
                sb.Append(plain);
            }
            else if (c is >= '\uFF01' and <= '\uFF5E')
            {
                sb.Append((char)(c - 0xFEE0)); // full-width ASCII (ＡＢＣ１２)
            }
            else
            {
                sb.Append(Punctuation(c, text, i));
            }
        }
        return sb.ToString();
    }

    private static string Punctuation(char c, string text, int i) => c switch
    {
        '\u2018' or '\u2019' or '\u201A' or '\u201B' or '\u2032' or '\u02BC' => "'",
        '\u201C' or '\u201D' or '\u201E' or '\u201F' or '\u2033' or '\u00AB' or '\u00BB' => "\"",
        '\u2010' or '\u2011' => "-",
        '\u2212' => "-", // minus sign
        // An en dash between digits is a range ("1990–2000"); elsewhere dashes are a pause.
        '\u2013' when i > 0 && i + 1 < text.Length && char.IsAsciiDigit(text[i - 1]) && char.IsAsciiDigit(text[i + 1]) => " to ",
        '\u2012' or '\u2013' or '\u2014' or '\u2015' => " -- ",
        '\u2026' => "...",
        '\u00A3' or '\u20AC' or '\u00A5' => c.ToString(), // currency signs the normaliser reads (£ € ¥)
        '\u00BF' or '\u00A1' => " ", // Spanish inverted marks open a sentence: nothing to say
        _ when char.IsWhiteSpace(c) => " ",
        _ when CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark => "", // a combining accent
        _ => " ",
    };

    private static Dictionary<char, string> BuildLatinTable()
    {
        (string Letters, string Plain)[] groups =
        [
            ("àáâãäåāăą", "a"), ("ÀÁÂÃÄÅĀĂĄ", "A"), ("çćĉċč", "c"), ("ÇĆĈĊČ", "C"), ("ďđ", "d"), ("ĎĐ", "D"),
            ("èéêëēĕėęě", "e"), ("ÈÉÊËĒĔĖĘĚ", "E"), ("ĝğġģ", "g"), ("ĜĞĠĢ", "G"), ("ĥħ", "h"), ("ĤĦ", "H"),
            ("ìíîïĩīĭįı", "i"), ("ÌÍÎÏĨĪĬĮİ", "I"), ("ĵ", "j"), ("Ĵ", "J"), ("ķ", "k"), ("Ķ", "K"),
            ("ĺļľŀł", "l"), ("ĹĻĽĿŁ", "L"), ("ñńņň", "n"), ("ÑŃŅŇ", "N"), ("òóôõöøōŏő", "o"), ("ÒÓÔÕÖØŌŎŐ", "O"),
            ("ŕŗř", "r"), ("ŔŖŘ", "R"), ("śŝşš", "s"), ("ŚŜŞŠ", "S"), ("ţťŧ", "t"), ("ŢŤŦ", "T"),
            ("ùúûüũūŭůűų", "u"), ("ÙÚÛÜŨŪŬŮŰŲ", "U"), ("ŵ", "w"), ("Ŵ", "W"), ("ýÿŷ", "y"), ("ÝŸŶ", "Y"),
            ("źżž", "z"), ("ŹŻŽ", "Z"), ("æ", "ae"), ("Æ", "AE"), ("œ", "oe"), ("Œ", "OE"), ("ß", "ss"),
            ("þ", "th"), ("Þ", "Th"), ("ð", "d"), ("Ð", "D"), ("\uFB00", "ff"), ("\uFB01", "fi"), ("\uFB02", "fl"),
        ];
        var table = new Dictionary<char, string>();
        foreach (var (letters, plain) in groups)
        {
            foreach (char c in letters)
            {
                table[c] = plain;
            }
        }
        return table;
    }
}
