using SoundStorm.Export.Semantic;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Semantic;

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
