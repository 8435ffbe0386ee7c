namespace SoundStorm.Onnx.Text;

/// <summary>
/// The phone inventory of the English models: <c>SIL</c> (id 0) and the 39 ARPAbet phones of CMUdict without stress
/// marks, in alphabetical order (ids 1–39). These are the ids of the forced alignments the text models are trained on
/// (scripts/corpus/align-phones.py), so a phone's id here must never change.
/// </summary>
internal static class ArpabetPhones
{
    /// <summary>The symbol of a pause (silence between or around words).</summary>
    public const string Silence = "SIL";

    /// <summary>The id of <see cref="Silence"/>.</summary>
    public const int SilenceId = 0;

    private static readonly string[] symbols =
        ("SIL AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH " +
         "UH UW V W Y Z ZH").Split(' ');

    private static readonly Dictionary<string, int> ids =
        symbols.Select((s, i) => (s, i)).ToDictionary(p => p.s, p => p.i, StringComparer.Ordinal);

    /// <summary>All symbols, indexed by id (<see cref="Silence"/> first).</summary>
    public static IReadOnlyList<string> Symbols { get; } = Array.AsReadOnly(symbols);

    /// <summary>How many symbols there are (40).</summary>
    public static int Count => symbols.Length;

    private static readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> spanIds =
        ids.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The id of <paramref name="symbol"/> (upper case, no stress digit), if it is in the inventory.</summary>
    public static bool TryGetId(string symbol, out int id) => ids.TryGetValue(symbol, out id);

    /// <summary>The id of a symbol given as characters (the dictionary reader's path, which allocates no strings).</summary>
    internal static bool TryGetId(ReadOnlySpan<char> symbol, out int id) => spanIds.TryGetValue(symbol, out id);

    /// <summary>The id of <paramref name="symbol"/>.</summary>
    /// <exception cref="ArgumentException">The symbol is not in the inventory.</exception>
    public static int IdOf(string symbol)
    {
        ArgumentNullException.ThrowIfNull(symbol);
        return ids.TryGetValue(symbol, out int id)
            ? id
            : throw new ArgumentException($"'{symbol}' is not one of the {Count} phone symbols (SIL and ARPAbet without stress).", nameof(symbol));
    }

    /// <summary>The symbol with id <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is not in 0 … <see cref="Count"/> − 1.</exception>
    public static string SymbolOf(int id)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(id, symbols.Length);
        return symbols[id];
    }
}
