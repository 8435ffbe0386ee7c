namespace SoundStorm.Export.Text;

/// <summary>
/// Shape of the text-to-semantic model (non-autoregressive, FastSpeech-like): a Conformer encoder over the phones
/// predicts each phone's duration; each frame takes its phone's encoding plus embeddings of its offset within the
/// phone and of the phone's length; a Conformer decoder over the frames predicts each frame's semantic unit.
/// </summary>
public sealed record TextToSemanticConfig
{
    /// <summary>Phone inventory size P; id P is padding.</summary>
    public int Phones { get; init; } = 40;

    /// <summary>Semantic units K (the package's semantic vocabulary).</summary>
    public int Units { get; init; } = 100;

    /// <summary>Model width.</summary>
    public int Dim { get; init; } = 256;

    /// <summary>Conformer blocks over the phones.</summary>
    public int EncoderLayers { get; init; } = 3;

    /// <summary>Conformer blocks over the frames.</summary>
    public int DecoderLayers { get; init; } = 3;

    /// <summary>Attention heads.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Feed-forward width.</summary>
    public int FeedForward { get; init; } = 1024;

    /// <summary>Depthwise convolution kernel (odd).</summary>
    public int ConvKernel { get; init; } = 5;

    /// <summary>Rows of the offset and length embeddings: offsets and lengths are clipped to this minus one.</summary>
    public int MaxPhoneFrames { get; init; } = 64;

    /// <summary>Rotary embedding base.</summary>
    public float RotaryBase { get; init; } = 10000f;

    /// <summary>Checks the numbers fit together.</summary>
    public TextToSemanticConfig Validate()
    {
        if (Dim <= 0 || Heads <= 0 || Dim % Heads != 0 || (Dim / Heads) % 2 != 0)
            throw new ArgumentException($"Width {Dim} must split into {Heads} heads of even size.");
        if (ConvKernel <= 0 || ConvKernel % 2 == 0) throw new ArgumentException($"Conv kernel {ConvKernel} must be odd.");
        if (Phones <= 1 || Units <= 1 || MaxPhoneFrames <= 1 || EncoderLayers < 0 || DecoderLayers < 0 || FeedForward <= 0)
            throw new ArgumentException("Phones, units, maximum phone frames and feed-forward width must be positive; layer counts not negative.");
        return this;
    }
}
