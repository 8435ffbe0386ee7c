namespace SoundStorm.Export.Acoustic;

/// <summary>How the per-level token embeddings of one frame are combined into one vector.</summary>
public enum CombinerKind
{
    /// <summary>Sum of the Q per-level embeddings (SoundStorm paper, Fig. 1).</summary>
    Sum,
    /// <summary>The seed's shallow U-Net down path: DoubleConv over the (level, frame) grid, max over levels, DoubleConv.</summary>
    UNet,
}

/// <summary>
/// Shape of a paper-family acoustic model (SoundStorm §3: level-wise MaskGIT over a Conformer with rotary
/// positions; semantic tokens added frame by frame; one output head per level). Defaults are the paper's model.
/// </summary>
public sealed record PaperModelConfig
{
    /// <summary>Model width.</summary>
    public int Dim { get; init; } = 1024;

    /// <summary>Conformer blocks.</summary>
    public int Layers { get; init; } = 12;

    /// <summary>Attention heads.</summary>
    public int Heads { get; init; } = 16;

    /// <summary>Feed-forward width.</summary>
    public int FeedForward { get; init; } = 4096;

    /// <summary>Depthwise convolution kernel size (odd).</summary>
    public int ConvKernel { get; init; } = 5;

    /// <summary>Number of codebooks (RVQ levels).</summary>
    public int Codebooks { get; init; } = 12;

    /// <summary>Codebook size V; id V is the mask token.</summary>
    public int CodebookSize { get; init; } = 1024;

    /// <summary>Semantic vocabulary K; id K is the semantic padding token.</summary>
    public int SemanticVocab { get; init; } = 500;

    /// <summary>How per-level embeddings are combined.</summary>
    public CombinerKind Combiner { get; init; } = CombinerKind.Sum;

    /// <summary>Rotary embedding base.</summary>
    public float RotaryBase { get; init; } = 10000f;

    /// <summary>Mask id (one past the last code).</summary>
    public int MaskId => CodebookSize;

    /// <summary>Checks the numbers fit together.</summary>
    public PaperModelConfig Validate()
    {
        if (Dim <= 0 || Layers < 0 || Heads <= 0 || Dim % Heads != 0 || (Dim / Heads) % 2 != 0)
            throw new ArgumentException($"Width {Dim} must split into {Heads} heads of even size.");
        if (ConvKernel <= 0 || ConvKernel % 2 == 0) throw new ArgumentException($"Conv kernel {ConvKernel} must be odd.");
        if (Codebooks <= 0 || CodebookSize <= 1 || SemanticVocab <= 0) throw new ArgumentException("Codebooks, codebook size and semantic vocabulary must be positive.");
        return this;
    }
}
