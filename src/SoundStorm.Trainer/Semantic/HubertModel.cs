using SoundStorm.Export.Semantic;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Semantic;

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
