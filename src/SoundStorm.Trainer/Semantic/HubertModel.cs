using SoundStorm.Export.Semantic;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Semantic;

// HuBERT (torchaudio's names) in one file, nanoGPT-style. Its configuration is HubertConfig
// (export/SoundStorm.Export/Semantic), the record the semantic graph writer reads too; then the modules in the order
// data flows through them — the convolutional feature extractor, the transformer encoder — and last the model.

/// <summary>
/// torchaudio's <c>FeatureExtractor</c>: convolutions over the raw waveform, each followed by its normalisation
/// (GroupNorm with one group per channel on the first layer only, or LayerNorm over channels on every layer) and GELU.
/// Waveform (B, N) → features (B, T, C).
/// </summary>
internal sealed class HubertFeatureExtractor : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<ConvLayerBlock> conv_layers;

    public HubertFeatureExtractor(HubertConfig config) : base("FeatureExtractor")
    {
        long inChannels = 1;
        var blocks = new List<ConvLayerBlock>();
        for (int i = 0; i < config.ConvLayers.Count; i++)
        {
            var layer = config.ConvLayers[i];
            var norm = config.ExtractorMode == HubertExtractorMode.LayerNorm ? NormKind.Layer : i == 0 ? NormKind.Group : NormKind.None;
            blocks.Add(new ConvLayerBlock(inChannels, layer, config.ConvBias, norm, config.Epsilon));
            inChannels = layer.Channels;
        }
        conv_layers = nn.ModuleList(blocks.ToArray());
        RegisterComponents();
    }

    public override Tensor forward(Tensor waveform)
    {
        Tensor x = waveform.unsqueeze(1);
        foreach (var block in conv_layers) x = block.forward(x);
        return x.transpose(1, 2);
    }

    internal enum NormKind { None, Group, Layer }

    /// <summary>
    /// GroupNorm(C, C) written out — each channel normalised over time, then scaled and shifted — with GroupNorm's
    /// parameter names; TorchSharp's GroupNorm module gave sporadic NaNs here.
    /// </summary>
    internal sealed class ChannelNorm : nn.Module<Tensor, Tensor>
    {
        private readonly Parameter weight;
        private readonly Parameter bias;
        private readonly double eps;

        public ChannelNorm(long channels, double eps) : base("GroupNorm")
        {
            this.eps = eps;
            weight = new Parameter(ones(channels));
            bias = new Parameter(zeros(channels));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            Tensor mean = x.mean([-1], keepdim: true);
            Tensor variance = (x - mean).pow(2).mean([-1], keepdim: true);
            return (x - mean) / (variance + eps).sqrt() * weight.unsqueeze(-1) + bias.unsqueeze(-1);
        }
    }

    /// <summary>conv → norm → GELU on (B, C, T).</summary>
    internal sealed class ConvLayerBlock : nn.Module<Tensor, Tensor>
    {
        private readonly Conv1d conv;
        private readonly nn.Module<Tensor, Tensor>? layer_norm;
        private readonly NormKind kind;

        public ConvLayerBlock(long inChannels, HubertConvLayer spec, bool bias, NormKind kind, double eps) : base("ConvLayerBlock")
        {
            this.kind = kind;
            conv = nn.Conv1d(inChannels, spec.Channels, spec.Kernel, stride: spec.Stride, bias: bias);
            layer_norm = kind switch
            {
                NormKind.Group => new ChannelNorm(spec.Channels, eps),
                NormKind.Layer => nn.LayerNorm(spec.Channels, eps),
                _ => null,
            };
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            x = conv.forward(x);
            if (kind == NormKind.Group) x = layer_norm!.forward(x);
            else if (kind == NormKind.Layer) x = layer_norm!.forward(x.transpose(1, 2)).transpose(1, 2);
            return nn.functional.gelu(x);
        }
    }
}

/// <summary>
/// torchaudio's <c>Transformer</c> of wav2vec 2.0 / HuBERT: x + GELU(weight-normed grouped conv(x)), the encoder
/// LayerNorm before the layers for post-LN models, then the layers. <see cref="forward"/> returns the raw output of
/// every layer up to the requested one (torchaudio's <c>get_intermediate_outputs</c>); the final LayerNorm of pre-LN
/// models is applied only by <see cref="Final"/>.
/// </summary>
internal sealed class HubertTransformer : nn.Module<Tensor, long, Tensor[]>
{
    private readonly ConvPositionalEmbedding pos_conv_embed;
    private readonly LayerNorm layer_norm;
    private readonly ModuleList<EncoderLayer> layers;
    private readonly Dropout dropout;
    private readonly bool layerNormFirst;

    public HubertTransformer(HubertConfig config, double dropoutRate) : base("Transformer")
    {
        layerNormFirst = config.LayerNormFirst;
        pos_conv_embed = new ConvPositionalEmbedding(config.EmbedDim, config.PosConvKernel, config.PosConvGroups);
        layer_norm = nn.LayerNorm(config.EmbedDim, config.Epsilon);
        layers = nn.ModuleList(Enumerable.Range(0, config.Layers).Select(_ => new EncoderLayer(config, dropoutRate)).ToArray());
        dropout = nn.Dropout(dropoutRate);
        RegisterComponents();
    }

    /// <summary>x (B, T, D) → outputs of layers 1..<paramref name="numLayers"/>, each (B, T, D); index 0 of the result is layer 1.</summary>
    public override Tensor[] forward(Tensor x, long numLayers)
    {
        x = x + pos_conv_embed.forward(x);
        if (!layerNormFirst) x = layer_norm.forward(x);
        x = dropout.forward(x);
        var outputs = new List<Tensor>();
        for (int i = 0; i < numLayers; i++)
        {
            x = layers[i].forward(x);
            outputs.Add(x);
        }
        return outputs.ToArray();
    }

    /// <summary>The last layer's output as the model's final output (pre-LN models add the encoder LayerNorm).</summary>
    public Tensor Final(Tensor lastLayer) => layerNormFirst ? layer_norm.forward(lastLayer) : lastLayer;

    /// <summary>The encoder input before the layers (HF <c>hidden_states[0]</c>).</summary>
    public Tensor Input(Tensor x)
    {
        x = x + pos_conv_embed.forward(x);
        return layerNormFirst ? x : layer_norm.forward(x);
    }

    /// <summary>
    /// GELU(conv(x)) with "same" padding, kernel K, groups G; the weight is torch's weight norm over dim 2
    /// (weight_g [1, 1, K], weight_v [D, D/G, K]): one norm per kernel tap, computed in every forward pass.
    /// </summary>
    internal sealed class ConvPositionalEmbedding : nn.Module<Tensor, Tensor>
    {
        private readonly WeightNormConv conv;
        private readonly long kernel;

        public ConvPositionalEmbedding(long dim, long kernel, long groups) : base("ConvolutionalPositionalEmbedding")
        {
            this.kernel = kernel;
            conv = new WeightNormConv(dim, kernel, groups);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            Tensor y = conv.forward(x.transpose(1, 2));
            if (kernel % 2 == 0) y = y[.., .., ..^1]; // padding K/2 on both sides yields one frame too many
            return nn.functional.gelu(y).transpose(1, 2);
        }
    }

    internal sealed class WeightNormConv : nn.Module<Tensor, Tensor>
    {
        private readonly Parameter weight_g;
        private readonly Parameter weight_v;
        private readonly Parameter bias;
        private readonly long padding;
        private readonly long groups;

        public WeightNormConv(long dim, long kernel, long groups) : base("Conv1d")
        {
            this.groups = groups;
            padding = kernel / 2;
            var init = nn.Conv1d(dim, dim, kernel, groups: groups);
            weight_v = new Parameter(init.weight!.detach().clone());
            weight_g = new Parameter(weight_v.detach().pow(2).sum([0, 1], keepdim: true).sqrt());
            bias = new Parameter(init.bias!.detach().clone());
            init.Dispose();
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            Tensor weight = weight_g * weight_v / weight_v.pow(2).sum([0, 1], keepdim: true).sqrt();
            return nn.functional.conv1d(x, weight, bias, padding: padding, groups: groups);
        }
    }

    /// <summary>Post-LN: LN(x + attn(x)), LN(x + ffn(x)); pre-LN: x + attn(LN(x)), x + ffn(LN(x)).</summary>
    internal sealed class EncoderLayer : nn.Module<Tensor, Tensor>
    {
        private readonly SelfAttention attention;
        private readonly LayerNorm layer_norm;
        private readonly FeedForward feed_forward;
        private readonly LayerNorm final_layer_norm;
        private readonly Dropout dropout;
        private readonly bool layerNormFirst;

        public EncoderLayer(HubertConfig config, double dropoutRate) : base("EncoderLayer")
        {
            layerNormFirst = config.LayerNormFirst;
            attention = new SelfAttention(config.EmbedDim, config.Heads);
            layer_norm = nn.LayerNorm(config.EmbedDim, config.Epsilon);
            feed_forward = new FeedForward(config.EmbedDim, config.FeedForwardDim, dropoutRate);
            final_layer_norm = nn.LayerNorm(config.EmbedDim, config.Epsilon);
            dropout = nn.Dropout(dropoutRate);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            if (layerNormFirst)
            {
                x = x + dropout.forward(attention.forward(layer_norm.forward(x)));
                return x + feed_forward.forward(final_layer_norm.forward(x));
            }
            x = layer_norm.forward(x + dropout.forward(attention.forward(x)));
            return final_layer_norm.forward(x + feed_forward.forward(x));
        }
    }

    internal sealed class SelfAttention : nn.Module<Tensor, Tensor>
    {
        private readonly Linear k_proj;
        private readonly Linear v_proj;
        private readonly Linear q_proj;
        private readonly Linear out_proj;
        private readonly long heads;

        public SelfAttention(long dim, long heads) : base("SelfAttention")
        {
            this.heads = heads;
            k_proj = nn.Linear(dim, dim);
            v_proj = nn.Linear(dim, dim);
            q_proj = nn.Linear(dim, dim);
            out_proj = nn.Linear(dim, dim);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            long b = x.shape[0], t = x.shape[1], d = x.shape[2], hd = d / heads;
            Tensor q = q_proj.forward(x).view(b, t, heads, hd).transpose(1, 2) * (1.0 / Math.Sqrt(hd));
            Tensor k = k_proj.forward(x).view(b, t, heads, hd).transpose(1, 2);
            Tensor v = v_proj.forward(x).view(b, t, heads, hd).transpose(1, 2);
            Tensor y = matmul(matmul(q, k.transpose(-2, -1)).softmax(-1), v);
            return out_proj.forward(y.transpose(1, 2).reshape(b, t, d));
        }
    }

    internal sealed class FeedForward : nn.Module<Tensor, Tensor>
    {
        private readonly Linear intermediate_dense;
        private readonly Linear output_dense;
        private readonly Dropout dropout;

        public FeedForward(long dim, long inner, double dropoutRate) : base("FeedForward")
        {
            intermediate_dense = nn.Linear(dim, inner);
            output_dense = nn.Linear(inner, dim);
            dropout = nn.Dropout(dropoutRate);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => dropout.forward(output_dense.forward(nn.functional.gelu(intermediate_dense.forward(x))));
    }
}

/// <summary>
/// A trainable HuBERT / wav2vec 2.0 encoder whose state-dict names and shapes are torchaudio's
/// (<c>feature_extractor.*</c>, <c>encoder.feature_projection.*</c>, <c>encoder.transformer.*</c>, positional conv as
/// <c>weight_g</c>/<c>weight_v</c>), so its weights import with <see cref="HubertStateDict"/> like a torchaudio file.
/// The masked-prediction head of pre-training is not part of it.
/// </summary>
internal sealed class HubertModel : nn.Module<Tensor, long, Tensor>
{
    private readonly HubertFeatureExtractor feature_extractor;
    private readonly HubertEncoder encoder;

    /// <summary>Creates the model; <paramref name="dropout"/> applies in training mode only.</summary>
    public HubertModel(HubertConfig config, double dropout = 0.0) : base("Wav2Vec2Model")
    {
        config.Validate();
        Config = config;
        feature_extractor = new HubertFeatureExtractor(config);
        encoder = new HubertEncoder(config, dropout);
        RegisterComponents();
    }

    public HubertConfig Config { get; }

    /// <summary>Waveform (B, N) → raw output of transformer layer <paramref name="layer"/> (B, T, D); layer 0 = encoder input.</summary>
    public override Tensor forward(Tensor waveform, long layer)
    {
        if (layer < 0 || layer > Config.Layers) throw new ArgumentOutOfRangeException(nameof(layer), layer, $"layers are 0..{Config.Layers}");
        Tensor x = encoder.Project(feature_extractor.forward(waveform));
        return layer == 0 ? encoder.transformer.Input(x) : encoder.transformer.forward(x, layer)[^1];
    }

    /// <summary>The model's final output (last layer; pre-LN models add the encoder LayerNorm), as torchaudio's <c>forward</c>.</summary>
    public Tensor Encode(Tensor waveform) => encoder.transformer.Final(ExtractFeatures(waveform, Config.Layers)[^1]);

    /// <summary>
    /// Pre-training's first half: extractor + feature projection, (B, N) → (B, T, D). The extractor's gradient is
    /// scaled by <paramref name="extractorGradScale"/> (HuBERT's <c>feature_grad_mult</c> 0.1) without changing the values.
    /// </summary>
    internal Tensor ProjectFeatures(Tensor waveform, double extractorGradScale = 1.0)
    {
        Tensor features = feature_extractor.forward(waveform);
        if (extractorGradScale != 1.0) features = features * extractorGradScale + features.detach() * (1.0 - extractorGradScale);
        return encoder.Project(features);
    }

    /// <summary>Pre-training's second half: the transformer over (possibly masked) projected features → the final output (B, T, D).</summary>
    internal Tensor EncodeProjected(Tensor projected) => encoder.transformer.Final(encoder.transformer.forward(projected, Config.Layers)[^1]);

    /// <summary>torchaudio's <c>extract_features</c>: raw outputs of layers 1..<paramref name="numLayers"/>.</summary>
    public Tensor[] ExtractFeatures(Tensor waveform, long numLayers) =>
        encoder.transformer.forward(encoder.Project(feature_extractor.forward(waveform)), numLayers);

    internal sealed class HubertEncoder : nn.Module
    {
        private readonly FeatureProjection feature_projection;
        internal readonly HubertTransformer transformer;

        public HubertEncoder(HubertConfig config, double dropout) : base("Encoder")
        {
            feature_projection = new FeatureProjection(config.ConvDim, config.EmbedDim, config.Epsilon, dropout);
            transformer = new HubertTransformer(config, dropout);
            RegisterComponents();
        }

        public Tensor Project(Tensor features) => feature_projection.forward(features);
    }

    /// <summary>LayerNorm over the extractor's channels, then Linear to the transformer width.</summary>
    internal sealed class FeatureProjection : nn.Module<Tensor, Tensor>
    {
        private readonly LayerNorm layer_norm;
        private readonly Linear projection;
        private readonly Dropout dropout;

        public FeatureProjection(long inFeatures, long outFeatures, double eps, double dropoutRate) : base("FeatureProjection")
        {
            layer_norm = nn.LayerNorm(inFeatures, eps);
            projection = nn.Linear(inFeatures, outFeatures);
            dropout = nn.Dropout(dropoutRate);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => dropout.forward(projection.forward(layer_norm.forward(x)));
    }
}
