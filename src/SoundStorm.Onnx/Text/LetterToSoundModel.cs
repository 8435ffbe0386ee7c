namespace SoundStorm.Onnx.Text;

/// <summary>
/// The fallback for words the dictionary lacks: what each letter most often becomes given the letters around it,
/// learnt from the dictionary itself when first needed.
/// </summary>
/// <remarks>
/// Learnt rather than hand-written because the dictionary already holds 130,000 examples of English spelling, a rule
/// list would be long and still miss what the counts catch (names, loan words), and a lexicon of another language
/// would get its own fallback for free. Nothing extra ships: the tables come from the dictionary at run time (about a
/// second), and they are built only when a word is missing from it.
/// <para>
/// After <see cref="LetterPhoneAligner"/> gives each letter its phones, the letter is counted in windows of growing
/// width (the letter alone, one letter to the right, one either side, … four either side). Prediction takes the widest
/// window seen in training. Each window keeps only the contexts whose most frequent outcome differs from what the
/// narrower windows already predict, which keeps the tables small without changing a single prediction.
/// </para>
/// </remarks>
internal sealed class LetterToSoundModel
{
    /// <summary>Nested windows (letters to the left, to the right), narrowest first: each contains the one before, so
    /// "not stored here" always means "the narrower window's answer".</summary>
    private static readonly (int Left, int Right)[] Windows =
        [(0, 0), (0, 1), (1, 1), (1, 2), (2, 2), (2, 3), (3, 3), (3, 4), (4, 4)];

    private const int ChunkBits = 11; // LetterPhoneAligner.ChunkCount < 2048
    private const int AlignmentRounds = 3;

    private readonly Dictionary<long, short>[] tables;

    private LetterToSoundModel(Dictionary<long, short>[] tables) => this.tables = tables;

    /// <summary>How many contexts the tables keep, all windows together.</summary>
    public int ContextCount => tables.Sum(t => t.Count);

    /// <summary>Learns from words (lower case) and their phone ids; words with characters other than a–z and the
    /// apostrophe, and words no alignment fits, are passed over.</summary>
    public static LetterToSoundModel Train(IEnumerable<KeyValuePair<string, byte[]>> pronunciations)
    {
        var letters = new List<byte[]>();
        var phones = new List<byte[]>();
        foreach (var (word, ids) in pronunciations)
        {
            if (LetterCodes.IsEncodable(word) && ids.Length > 0)
            {
                letters.Add(LetterCodes.Encode(word));
                phones.Add(ids);
            }
        }
        var chunks = LetterPhoneAligner.Align(letters, phones, AlignmentRounds);
        var tables = new Dictionary<long, short>[Windows.Length];
        var model = new LetterToSoundModel(tables);
        var (widest, outcomes) = Positions(letters, chunks);
        var predicted = new int[widest.Length];
        for (int k = 0; k < Windows.Length; k++)
        {
            tables[k] = new Dictionary<long, short>();
            model.FillWindow(k, widest, outcomes, predicted);
        }
        return model;
    }

    /// <summary>The phone ids predicted for a lower-case word (letters other than a–z and the apostrophe are skipped).</summary>
    public byte[] Predict(string word)
    {
        byte[] letters = LetterCodes.Encode(word);
        var phones = new List<byte>(letters.Length + 2);
        for (int i = 0; i < letters.Length; i++)
        {
            LetterPhoneAligner.AppendPhones(PredictChunk(letters, i), phones);
        }
        return [.. phones];
    }

    private int PredictChunk(byte[] letters, int i)
    {
        for (int k = Windows.Length - 1; k >= 0; k--)
        {
            if (tables[k].TryGetValue(Context(letters, i, Windows[k]), out short chunk))
            {
                return chunk;
            }
        }
        return 0; // a letter never seen in training says nothing
    }

    /// <summary>Every letter of the aligned training words (in order) as its widest context and its chunk.</summary>
    private static (long[] Widest, int[] Outcomes) Positions(List<byte[]> letters, int[]?[] chunks)
    {
        int total = chunks.Sum(c => c?.Length ?? 0);
        var widest = new long[total];
        var outcomes = new int[total];
        int n = 0;
        for (int w = 0; w < letters.Count; w++)
        {
            if (chunks[w] is { } wordChunks)
            {
                for (int i = 0; i < wordChunks.Length; i++)
                {
                    widest[n] = Context(letters[w], i, Windows[^1]);
                    outcomes[n++] = wordChunks[i];
                }
            }
        }
        return (widest, outcomes);
    }

    /// <summary>Counts every letter's chunk in window <paramref name="k"/> and keeps the contexts that change the
    /// narrower windows' prediction. Counting is by sorting packed (context, chunk) numbers, which needs a fraction of
    /// the memory of a dictionary of counters. <paramref name="predicted"/> holds, per training letter, what the
    /// windows so far predict for it, and is brought up to this window.</summary>
    private void FillWindow(int k, long[] widest, int[] outcomes, int[] predicted)
    {
        int count = widest.Length;
        var records = new long[count];
        var positions = new int[count];
        for (int n = 0; n < count; n++)
        {
            positions[n] = n;
            records[n] = (Narrow(widest[n], Windows.Length - 1, k) << ChunkBits) | (long)outcomes[n];
        }
        Array.Sort(records, positions);
        int start = 0;
        while (start < count)
        {
            long context = records[start] >> ChunkBits;
            int bestChunk = 0, bestCount = 0, end = start;
            while (end < count && records[end] >> ChunkBits == context)
            {
                int runStart = end;
                while (end < count && records[end] == records[runStart])
                {
                    end++;
                }
                if (end - runStart > bestCount)
                {
                    bestCount = end - runStart;
                    bestChunk = (int)(records[runStart] & ((1 << ChunkBits) - 1));
                }
            }
            // Letters sharing this context share every narrower one too, so any of them tells the narrower prediction.
            if (k == 0 || predicted[positions[start]] != bestChunk)
            {
                tables[k][context] = (short)bestChunk;
            }
            for (int r = start; r < end; r++)
            {
                predicted[positions[r]] = bestChunk;
            }
            start = end;
        }
    }

    /// <summary>The context of window <paramref name="to"/> inside one of the wider window <paramref name="from"/>.</summary>
    private static long Narrow(long context, int from, int to)
    {
        // Packed left to right, so the outer right letters are the low bits and the outer left ones the high bits.
        var (l, r) = Windows[to];
        return (context >> (LetterCodes.Bits * (Windows[from].Right - r))) & ((1L << (LetterCodes.Bits * (l + r + 1))) - 1);
    }

    /// <summary>The letters from i − left to i + right packed five bits each, 0 beyond the word.</summary>
    private static long Context(byte[] letters, int i, (int Left, int Right) window)
    {
        long key = 0;
        for (int p = i - window.Left; p <= i + window.Right; p++)
        {
            key = (key << LetterCodes.Bits) | (p >= 0 && p < letters.Length ? letters[p] : 0L);
        }
        return key;
    }
}
