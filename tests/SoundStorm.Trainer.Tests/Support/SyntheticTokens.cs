namespace SoundStorm.Trainer.Tests.Support;

/// <summary>
/// A learnable token language: semantic ids are uniform random; the code of level q at frame t is a fixed (seeded)
/// random table F_q[semantic[t], level-0 code at t−1] (0 before the first frame).
/// </summary>
internal sealed class SyntheticTokens
{
    private readonly int[,,] _table; // [q, semantic, previous level-0 code]

    public SyntheticTokens(int codebooks, int codebookSize, int semanticVocab, int seed)
    {
        (Codebooks, CodebookSize, SemanticVocab) = (codebooks, codebookSize, semanticVocab);
        var random = new Random(seed);
        _table = new int[codebooks, semanticVocab, codebookSize];
        for (int q = 0; q < codebooks; q++)
            for (int s = 0; s < semanticVocab; s++)
                for (int p = 0; p < codebookSize; p++) _table[q, s, p] = random.Next(codebookSize);
    }

    public int Codebooks { get; }
    public int CodebookSize { get; }
    public int SemanticVocab { get; }

    /// <summary>The rule: level <paramref name="level"/>'s code for a semantic id and the previous frame's level-0 code.</summary>
    public long Rule(int level, long semantic, long previousLevel0) => _table[level, semantic, previousLevel0];

    /// <summary>The codes [T, Q] that the rule gives for <paramref name="semantic"/>.</summary>
    public long[] Codes(long[] semantic)
    {
        var codes = new long[semantic.Length * Codebooks];
        long previous = 0;
        for (int t = 0; t < semantic.Length; t++)
        {
            for (int q = 0; q < Codebooks; q++) codes[t * Codebooks + q] = _table[q, semantic[t], previous];
            previous = codes[t * Codebooks];
        }
        return codes;
    }

    public List<TokenUtterance> Utterances(int count, int minFrames, int maxFrames, int seed)
    {
        var random = new Random(seed);
        var result = new List<TokenUtterance>(count);
        for (int i = 0; i < count; i++)
        {
            var semantic = Enumerable.Range(0, random.Next(minFrames, maxFrames + 1)).Select(_ => (long)random.Next(SemanticVocab)).ToArray();
            result.Add(new TokenUtterance($"utt{i:D4}", $"spk{i % 3}", semantic, Codes(semantic), Codebooks));
        }
        return result;
    }

    /// <summary>Writes a dataset folder of <paramref name="count"/> utterances; returns its path.</summary>
    public string WriteDataset(string folder, int count, int minFrames, int maxFrames, int seed)
    {
        TokenDatasetWriter.Write(folder, CodebookSize, SemanticVocab, 50, Utterances(count, minFrames, maxFrames, seed));
        return folder;
    }
}
