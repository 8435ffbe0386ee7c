namespace SoundStorm.Export.Semantic;

/// <summary>How the convolutional feature extractor normalises (torchaudio's <c>extractor_mode</c>).</summary>
public enum HubertExtractorMode
{
    /// <summary>Per-channel GroupNorm after the first convolution only (HuBERT Base, wav2vec 2.0 Base).</summary>
    GroupNorm,
    /// <summary>LayerNorm over channels after every convolution (HuBERT Large / X-Large).</summary>
    LayerNorm,
}

/// <summary>One convolution of the feature extractor.</summary>
/// <param name="Channels">Output channels.</param>
/// <param name="Kernel">Kernel width in samples (or frames of the previous layer).</param>
/// <param name="Stride">Stride.</param>
public sealed record HubertConvLayer(int Channels, int Kernel, int Stride);

/// <summary>
/// Shape of a HuBERT / wav2vec 2.0 encoder in torchaudio's terms (<c>wav2vec2_model</c> arguments). Dropouts are
/// irrelevant at inference and not kept.
/// </summary>
public sealed record HubertConfig
{
    /// <summary>The feature extractor's convolutions, first to last.</summary>
    public required IReadOnlyList<HubertConvLayer> ConvLayers { get; init; }

    /// <summary>Where the extractor normalises.</summary>
    public HubertExtractorMode ExtractorMode { get; init; } = HubertExtractorMode.GroupNorm;

    /// <summary>Whether the extractor's convolutions have biases.</summary>
    public bool ConvBias { get; init; }

    /// <summary>Transformer width.</summary>
    public required int EmbedDim { get; init; }

    /// <summary>Kernel of the convolutional positional embedding.</summary>
    public int PosConvKernel { get; init; } = 128;

    /// <summary>Groups of the convolutional positional embedding.</summary>
    public int PosConvGroups { get; init; } = 16;

    /// <summary>Number of transformer layers.</summary>
    public required int Layers { get; init; }

    /// <summary>Attention heads.</summary>
    public required int Heads { get; init; }

    /// <summary>Feed-forward inner width.</summary>
    public required int FeedForwardDim { get; init; }

    /// <summary>
    /// True for pre-LN layers (torchaudio <c>encoder_layer_norm_first</c>, HF <c>do_stable_layer_norm</c>, HuBERT
    /// Large); false for post-LN layers with the encoder LayerNorm before the first layer (HuBERT Base).
    /// </summary>
    public bool LayerNormFirst { get; init; }

    /// <summary>LayerNorm / GroupNorm epsilon.</summary>
    public float Epsilon { get; init; } = 1e-5f;

    /// <summary>Channels leaving the feature extractor.</summary>
    public int ConvDim => ConvLayers[^1].Channels;

    /// <summary>Samples between frames: the product of the strides (320 for HuBERT).</summary>
    public int Hop => ConvLayers.Aggregate(1, (h, l) => h * l.Stride);

    /// <summary>Samples one frame sees: 400 for HuBERT.</summary>
    public int ReceptiveField
    {
        get
        {
            int span = 1, jump = 1;
            foreach (var layer in ConvLayers)
            {
                span += (layer.Kernel - 1) * jump;
                jump *= layer.Stride;
            }
            return span;
        }
    }

    /// <summary>Frames for <paramref name="samples"/> input samples (each convolution floors): 74 for 24 000 with HuBERT's stack.</summary>
    public long Frames(long samples)
    {
        long length = samples;
        foreach (var layer in ConvLayers)
        {
            if (length < layer.Kernel) return 0;
            length = (length - layer.Kernel) / layer.Stride + 1;
        }
        return length;
    }

    /// <summary>HuBERT's standard extractor convolutions with <paramref name="channels"/> channels: 400-sample field, 320 hop.</summary>
    public static IReadOnlyList<HubertConvLayer> StandardConvLayers(int channels = 512) =>
        [new(channels, 10, 5), .. Enumerable.Repeat(new HubertConvLayer(channels, 3, 2), 4), .. Enumerable.Repeat(new HubertConvLayer(channels, 2, 2), 2)];

    /// <summary>HuBERT Base (fairseq <c>hubert_base_ls960</c>): 12 post-LN layers × 768, 12 heads.</summary>
    public static HubertConfig Base { get; } = new()
    {
        ConvLayers = StandardConvLayers(), EmbedDim = 768, Layers = 12, Heads = 12, FeedForwardDim = 3072,
    };

    /// <summary>HuBERT Large (fairseq <c>hubert_large_ll60k</c>): layer-norm extractor, 24 pre-LN layers × 1024, 16 heads.</summary>
    public static HubertConfig Large { get; } = new()
    {
        ConvLayers = StandardConvLayers(), ExtractorMode = HubertExtractorMode.LayerNorm, EmbedDim = 1024, Layers = 24,
        Heads = 16, FeedForwardDim = 4096, LayerNormFirst = true,
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistent field.</summary>
    public void Validate()
    {
        if (ConvLayers.Count == 0) throw new ArgumentException("HuBERT config: no extractor convolutions.");
        foreach (var (layer, i) in ConvLayers.Select((l, i) => (l, i)))
            if (layer.Channels <= 0 || layer.Kernel <= 0 || layer.Stride <= 0)
                throw new ArgumentException($"HuBERT config: conv layer {i} {layer} needs positive channels, kernel and stride.");
        if (EmbedDim <= 0 || Layers < 0 || FeedForwardDim <= 0) throw new ArgumentException($"HuBERT config: invalid sizes (embed {EmbedDim}, layers {Layers}, ffn {FeedForwardDim}).");
        if (Heads <= 0 || EmbedDim % Heads != 0) throw new ArgumentException($"HuBERT config: width {EmbedDim} is not divisible by {Heads} heads.");
        if (PosConvGroups <= 0 || EmbedDim % PosConvGroups != 0) throw new ArgumentException($"HuBERT config: width {EmbedDim} is not divisible by {PosConvGroups} positional-conv groups.");
        if (PosConvKernel <= 0) throw new ArgumentException($"HuBERT config: positional-conv kernel {PosConvKernel} must be positive.");
    }
}
