namespace SoundStorm.Trainer.Text.Autoregressive;

/// <summary>
/// Shape of <see cref="AutoregressiveTextModel"/>: a decoder-only transformer over the phones followed by the units
/// (SPEAR-TTS's text-to-semantic stage and the seed repository's S1 have this shape).
/// </summary>
internal sealed record AutoregressiveTextConfig
{
    /// <summary>Phone symbols P (id P pads).</summary>
    public int Phones { get; init; } = 40;

    /// <summary>Semantic units K (id K starts the units in the input and ends speech in the output).</summary>
    public int Units { get; init; } = 100;

    /// <summary>Model width.</summary>
    public int Dim { get; init; } = 256;

    /// <summary>Transformer blocks.</summary>
    public int Layers { get; init; } = 6;

    /// <summary>Attention heads.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Feed-forward width.</summary>
    public int FeedForward { get; init; } = 1024;

    /// <summary>Rotary base.</summary>
    public float RotaryBase { get; init; } = 10000f;

    /// <summary>Checks the numbers; returns this.</summary>
    public AutoregressiveTextConfig Validate()
    {
        if (Dim <= 0 || Heads <= 0 || Dim % Heads != 0 || (Dim / Heads) % 2 != 0)
            throw new ArgumentException($"Width {Dim} must split into {Heads} heads of even size.");
        if (Phones <= 1 || Units <= 1 || Layers <= 0 || FeedForward <= 0)
            throw new ArgumentException("Phones, units, layers and feed-forward width must be positive (phones and units at least 2).");
        return this;
    }
}
