namespace SoundStorm.Export.Baselines;

/// <summary>
/// The autoregressive baseline SoundStorm replaces (AudioLM / VALL-E acoustic stage): a decoder-only causal
/// transformer over the semantic prefix followed by the flattened [T·Q] acoustic token stream.
/// </summary>
public sealed record AutoregressiveConfig
{
    /// <summary>Model width.</summary>
    public int Dim { get; init; } = 1024;

    /// <summary>Transformer blocks.</summary>
    public int Layers { get; init; } = 12;

    /// <summary>Attention heads.</summary>
    public int Heads { get; init; } = 16;

    /// <summary>Feed-forward width.</summary>
    public int FeedForward { get; init; } = 4096;

    /// <summary>Codebooks Q (each level has its own V codes in the shared vocabulary).</summary>
    public int Codebooks { get; init; } = 12;

    /// <summary>Codes per codebook V.</summary>
    public int CodebookSize { get; init; } = 1024;

    /// <summary>Semantic vocabulary K (semantic ids come first in the shared vocabulary).</summary>
    public int SemanticVocab { get; init; } = 500;

    /// <summary>Shared input vocabulary: K semantic ids, then Q·V level-specific acoustic ids.</summary>
    public int Vocabulary => SemanticVocab + Codebooks * CodebookSize;
}
