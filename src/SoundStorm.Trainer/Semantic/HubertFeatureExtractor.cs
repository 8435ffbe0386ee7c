using SoundStorm.Export.Semantic;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Semantic;

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
