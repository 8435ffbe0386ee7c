namespace SoundStorm.Onnx.Text;

/// <summary>
/// Word pronunciations from a CMUdict-format dictionary (<c>word PH O N E S</c> a line, <c>word(2)</c> for an
/// alternative), with phones in the <see cref="ArpabetPhones"/> inventory. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// The English models are trained on alignments made with <c>cmudict-en-us.dict</c> of CMU Sphinx (Debian package
/// pocketsphinx-en-us), © 1995–2014 Carnegie Mellon University, © 2014–2015 Alpha Cephei Inc., distributed under the
/// BSD 2-clause licence: a copy of the dictionary handed on must keep that copyright notice and licence text.
/// This library ships no dictionary and assumes no path: the caller supplies one as a file or a stream, plain or
/// gzip-compressed (<c>.dict.gz</c>).
/// </remarks>
internal sealed class PronunciationLexicon
{
    /// <summary>The largest dictionary read, compressed or not (64 MiB; cmudict-en-us.dict is 3.3 MB), so that a damaged
    /// or hostile file cannot exhaust memory.</summary>
    public const long MaxDictionaryBytes = 64L * 1024 * 1024;

    private readonly Dictionary<string, List<byte[]>> entries;
    private readonly Lazy<LetterToSoundModel> letterToSound;

    private PronunciationLexicon(Dictionary<string, List<byte[]>> entries)
    {
        this.entries = entries;
        // Learnt from this lexicon on the first word it lacks, once for every front end that shares it.
        letterToSound = new Lazy<LetterToSoundModel>(
            () => LetterToSoundModel.Train(FirstPronunciations()), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Reads a dictionary from <paramref name="stream"/> (plain text or gzip, told apart by the gzip
    /// signature); the stream is read to its end and left open.</summary>
    /// <exception cref="InvalidDataException">The stream holds no pronunciation, is damaged or truncated gzip, or is
    /// larger than <see cref="MaxDictionaryBytes"/>.</exception>
    public static PronunciationLexicon Load(Stream stream) => Load(stream, MaxDictionaryBytes);

    /// <summary><see cref="Load(Stream)"/> with another size limit (tests exercise the limit without 64 MiB).</summary>
    internal static PronunciationLexicon Load(Stream stream, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new PronunciationLexicon(LexiconReader.Read(stream, "pronunciation dictionary stream", maxBytes));
    }

    /// <summary>Reads a dictionary file (plain, or gzip such as <c>cmudict-en-us.dict.gz</c>).</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file holds no pronunciation, is damaged or truncated gzip, or is
    /// larger than <see cref="MaxDictionaryBytes"/>.</exception>
    public static PronunciationLexicon Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Pronunciation dictionary {path} not found.", path);
        }
        using var stream = File.OpenRead(path);
        return new PronunciationLexicon(LexiconReader.Read(stream, path, MaxDictionaryBytes));
    }

    /// <summary>How many distinct words have a pronunciation.</summary>
    public int Count => entries.Count;

    /// <summary>The words, lower case, in no particular order.</summary>
    public IEnumerable<string> Words => entries.Keys;

    /// <summary>Whether <paramref name="word"/> (any case) has a pronunciation.</summary>
    public bool Contains(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return entries.ContainsKey(word.ToLowerInvariant());
    }

    /// <summary>The first (preferred) pronunciation of <paramref name="word"/> (any case) as phone symbols.</summary>
    public bool TryGetPronunciation(string word, out IReadOnlyList<string> phones)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (TryGetPhoneIds(word.ToLowerInvariant(), out var ids))
        {
            phones = Array.ConvertAll(ids, id => ArpabetPhones.SymbolOf(id));
            return true;
        }
        phones = [];
        return false;
    }

    /// <summary>Every pronunciation of <paramref name="word"/> (any case) in dictionary order; empty when it has none.</summary>
    public IReadOnlyList<IReadOnlyList<string>> GetPronunciations(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return entries.TryGetValue(word.ToLowerInvariant(), out var list)
            ? list.Select(p => (IReadOnlyList<string>)Array.ConvertAll(p, id => ArpabetPhones.SymbolOf(id))).ToArray()
            : [];
    }

    /// <summary>A lexicon with this one's pronunciations first and then <paramref name="other"/>'s, as align-phones.py
    /// adds extra-pronunciations.dict after cmudict: a word in both keeps this one's first pronunciation.</summary>
    public PronunciationLexicon Merge(PronunciationLexicon other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var merged = new Dictionary<string, List<byte[]>>(entries.Count + other.entries.Count, StringComparer.Ordinal);
        foreach (var (word, list) in entries)
        {
            merged[word] = [.. list];
        }
        foreach (var (word, list) in other.entries)
        {
            if (merged.TryGetValue(word, out var existing))
            {
                existing.AddRange(list);
            }
            else
            {
                merged[word] = [.. list];
            }
        }
        return new PronunciationLexicon(merged);
    }

    /// <summary>The first pronunciation of a lower-case word as phone ids (the front end's allocation-free path).</summary>
    internal bool TryGetPhoneIds(string lowerCaseWord, out byte[] ids)
    {
        if (entries.TryGetValue(lowerCaseWord, out var list))
        {
            ids = list[0];
            return true;
        }
        ids = [];
        return false;
    }

    /// <summary>The letter-to-sound fallback learnt from this lexicon (built on first use, about a second for CMUdict).</summary>
    internal LetterToSoundModel LetterToSound => letterToSound.Value;

    /// <summary>Each word with its first pronunciation (what the letter-to-sound fallback learns from).</summary>
    internal IEnumerable<KeyValuePair<string, byte[]>> FirstPronunciations() =>
        entries.Select(e => new KeyValuePair<string, byte[]>(e.Key, e.Value[0]));
}
