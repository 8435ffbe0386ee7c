using SoundStorm.Export.Onnx;
using SoundStorm.Export.Onnx.Blocks;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Semantic;

/// <summary>What the <c>semantic</c> graph returns besides the token ids.</summary>
/// <param name="IncludeFeatures">Also output <c>features</c> [batch, frames, D] (always on when no centroids are given).</param>
/// <param name="IncludeDistances">Also output <c>distances</c> [batch, frames, K], Euclidean (for checks against k-means tools).</param>
/// <param name="ExternalExtractorStatistics">
/// For a GroupNorm extractor: take the first convolution's per-channel mean and variance as the inputs
/// <c>extractor_mean</c> and <c>extractor_variance</c> [channels] instead of computing them over the input, so a long
/// input cut into chunks is normalised exactly as in one pass (<see cref="SemanticStatisticsGraph"/> computes them).
/// Ignored for a LayerNorm extractor, which normalises each frame on its own.
/// </param>
/// <param name="AttentionSpanFrames">
/// When set, each frame attends only to frames at most this far away (a band of 2·span + 1), so what a frame's token
/// depends on is bounded and a long input tokenises in chunks as in one pass; inputs no longer than span + 1 frames give
/// exactly the tokens of global attention. Null: global attention, as the original model.
/// </param>
public sealed record SemanticGraphOptions(bool IncludeFeatures = false, bool IncludeDistances = false, bool ExternalExtractorStatistics = false,
    int? AttentionSpanFrames = null);

/// <summary>
/// Writes the semantic tokenizer: waveform float [batch, samples] at 16 kHz → output of transformer layer L of a
/// HuBERT / wav2vec 2.0 encoder (the raw layer output, as fairseq's <c>output_layer</c> and torchaudio's
/// <c>extract_features</c> give it) → nearest k-means centre, int64 [batch, frames]. Weights use torchaudio's
/// state-dict names with the positional convolution's weight norm already folded into
/// <c>encoder.transformer.pos_conv_embed.conv.weight</c>. Layers after L are not written.
/// </summary>
public static class SemanticGraph
{
    /// <summary>Graph name.</summary>
    public const string Name = "semantic";

    /// <summary>Builds the graph for <paramref name="layer"/> (0 = encoder input, 1..Layers = that layer's output).</summary>
    public static OnnxModel Build(HubertConfig config, WeightSet w, int layer, KMeansCentroids? kmeans, SemanticGraphOptions? options = null)
    {
        config.Validate();
        options ??= new SemanticGraphOptions();
        if (layer < 0 || layer > config.Layers)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"The model has layers 1..{config.Layers} (0 = encoder input).");
        if (kmeans is not null && kmeans.Dim != config.EmbedDim)
            throw new ArgumentException($"k-means centroids are {kmeans.Dim} wide but the encoder is {config.EmbedDim} wide.", nameof(kmeans));

        var g = new OnnxGraphBuilder(Name);
        var waveform = g.Input("waveform", ElementType.Float, "batch", "samples");
        var statistics = options.ExternalExtractorStatistics && config.ExtractorMode == HubertExtractorMode.GroupNorm
            ? new ExtractorStatistics(
                g.Input(SemanticStatisticsGraph.MeanName, ElementType.Float, config.ConvLayers[0].Channels),
                g.Input(SemanticStatisticsGraph.VarianceName, ElementType.Float, config.ConvLayers[0].Channels))
            : null;
        GraphValue x;
        using (g.Scope("feature_extractor")) x = FeatureExtractor(g, config, w, g.Unsqueeze(waveform, 1), statistics);
        using (g.Scope("feature_projection"))
        {
            x = Nn.LayerNorm(g, x, w, "encoder.feature_projection.layer_norm", config.ConvDim, config.Epsilon);
            x = Nn.Linear(g, x, w, "encoder.feature_projection.projection", config.ConvDim, config.EmbedDim);
        }
        using (g.Scope("pos_conv")) x = g.Add(x, PositionalConv(g, config, w, x));
        if (!config.LayerNormFirst) x = Nn.LayerNorm(g, x, w, "encoder.transformer.layer_norm", config.EmbedDim, config.Epsilon);
        else
        {
            // Pre-LN models apply it only after the last layer, which a chosen layer's raw output never includes.
            w.Ignore("encoder.transformer.layer_norm.weight");
            w.Ignore("encoder.transformer.layer_norm.bias");
        }

        if (options.AttentionSpanFrames is < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.AttentionSpanFrames, "The attention span must be at least one frame.");
        GraphValue? outsideSpan = null;
        if (options.AttentionSpanFrames is { } span && layer > 0)
            using (g.Scope("attention_span")) outsideSpan = OutsideSpan(g, x, span);
        for (int i = 0; i < layer; i++)
            using (g.Scope($"layer{i}")) x = EncoderLayer(g, config, w, x, $"encoder.transformer.layers.{i}", outsideSpan);
        foreach (string name in w.Names.Where(n => IsLaterLayer(n, layer)).ToArray()) w.Ignore(name);

        if (kmeans is not null)
        {
            var squared = SquaredDistances(g, x, kmeans);
            // ArgMin keeps the first of equal distances, as torch's argmax of −cdist does.
            g.Output(g.ArgMin(squared, -1), "tokens", ElementType.Int64, "batch", "frames");
            if (options.IncludeDistances)
                g.Output(g.Sqrt(g.Max(squared, g.FloatScalar(0f))), "distances", ElementType.Float, "batch", "frames", kmeans.Clusters);
        }
        if (kmeans is null || options.IncludeFeatures) g.Output(x, "features", ElementType.Float, "batch", "frames", config.EmbedDim);
        return g.Build(new ModelOptions
        {
            DocString = $"HuBERT layer {layer} features" + (kmeans is null ? "" : $" and k-means ({kmeans.Clusters} clusters) token ids"),
            Metadata = new Dictionary<string, string>
            {
                ["layer"] = layer.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["clusters"] = (kmeans?.Clusters ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["hop"] = config.Hop.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["receptive_field"] = config.ReceptiveField.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["attention_span"] = options.AttentionSpanFrames?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "global",
            },
        });
    }

    private static bool IsLaterLayer(string name, int layer)
    {
        const string prefix = "encoder.transformer.layers.";
        if (!name.StartsWith(prefix, StringComparison.Ordinal)) return false;
        int dot = name.IndexOf('.', prefix.Length);
        return dot > 0 && int.TryParse(name.AsSpan(prefix.Length, dot - prefix.Length), out int index) && index >= layer;
    }

    private sealed record ExtractorStatistics(GraphValue Mean, GraphValue Variance);

    /// <summary>[B, 1, N] → [B, T, C]: conv → norm → GELU per layer.</summary>
    private static GraphValue FeatureExtractor(OnnxGraphBuilder g, HubertConfig config, WeightSet w, GraphValue x, ExtractorStatistics? statistics)
    {
        long inChannels = 1;
        for (int i = 0; i < config.ConvLayers.Count; i++)
        {
            var spec = config.ConvLayers[i];
            string prefix = $"feature_extractor.conv_layers.{i}";
            x = Nn.Conv1d(g, x, w, prefix + ".conv", inChannels, spec.Channels, spec.Kernel, ConvSpec.OneD(stride: spec.Stride, bias: config.ConvBias));
            if (config.ExtractorMode == HubertExtractorMode.LayerNorm)
                x = g.Transpose(Nn.LayerNorm(g, g.Transpose(x, 0, 2, 1), w, prefix + ".layer_norm", spec.Channels, config.Epsilon), 0, 2, 1);
            else if (i == 0 && statistics is not null)
                x = NormalizeWith(g, x, w, prefix + ".layer_norm", spec.Channels, config.Epsilon, statistics);
            else if (i == 0)
                x = Nn.GroupNorm(g, x, w, prefix + ".layer_norm", spec.Channels, spec.Channels, config.Epsilon); // one group per channel
            x = Nn.Gelu(g, x);
            inChannels = spec.Channels;
        }
        return g.Transpose(x, 0, 2, 1);
    }

    /// <summary>
    /// The first convolution's GroupNorm (one group per channel) with given statistics: (x − mean) · γ / √(variance + ε) + β
    /// on x [B, C, T], the scale computed once per channel rather than per element.
    /// </summary>
    private static GraphValue NormalizeWith(OnnxGraphBuilder g, GraphValue x, WeightSet w, string prefix, int channels, float eps, ExtractorStatistics statistics)
    {
        var gamma = g.Initializer(prefix + ".weight", TensorData.FromFloat(w.Get(prefix + ".weight", channels).Data, channels));
        var beta = g.Initializer(prefix + ".bias", TensorData.FromFloat(w.Get(prefix + ".bias", channels).Data, channels));
        var scale = g.Div(gamma, g.Sqrt(g.Add(statistics.Variance, g.FloatScalar(eps))));
        return g.Add(g.Mul(g.Sub(x, g.Unsqueeze(statistics.Mean, 1)), g.Unsqueeze(scale, 1)), g.Unsqueeze(beta, 1));
    }

    /// <summary>GELU(grouped conv over time) with "same" padding; an even kernel yields one frame too many, dropped at the end.</summary>
    private static GraphValue PositionalConv(OnnxGraphBuilder g, HubertConfig config, WeightSet w, GraphValue x)
    {
        long d = config.EmbedDim, k = config.PosConvKernel;
        var y = Nn.Conv1d(g, g.Transpose(x, 0, 2, 1), w, "encoder.transformer.pos_conv_embed.conv", d, d, k,
            ConvSpec.OneD(padding: k / 2, groups: config.PosConvGroups));
        if (k % 2 == 0) y = g.Slice(y, [0], [-1], [2]);
        return g.Transpose(Nn.Gelu(g, y), 0, 2, 1);
    }

    /// <summary>Bool [T, T] for x [B, T, D]: true where frames i and j are more than <paramref name="span"/> apart.</summary>
    private static GraphValue OutsideSpan(OnnxGraphBuilder g, GraphValue x, int span)
    {
        var frames = g.Squeeze(g.Slice(g.Shape(x), [1], [2], [0]), 0);
        var index = g.Node("Range", new[] { g.Int64Scalar(0), frames, g.Int64Scalar(1) });
        var distance = g.Node("Abs", new[] { g.Sub(g.Unsqueeze(index, 1), g.Unsqueeze(index, 0)) });
        return g.Node("Greater", new[] { distance, g.Int64Scalar(span) });
    }

    private static GraphValue EncoderLayer(OnnxGraphBuilder g, HubertConfig config, WeightSet w, GraphValue x, string prefix, GraphValue? outsideSpan)
    {
        var names = new AttentionNames("q_proj", "k_proj", "v_proj", "out_proj");
        GraphValue Attention(GraphValue h) =>
            Nn.MultiHeadAttention(g, h, h, w, prefix + ".attention", config.EmbedDim, config.EmbedDim, config.Heads, names: names, blockedScores: outsideSpan);
        GraphValue FeedForward(GraphValue h)
        {
            h = Nn.Gelu(g, Nn.Linear(g, h, w, prefix + ".feed_forward.intermediate_dense", config.EmbedDim, config.FeedForwardDim));
            return Nn.Linear(g, h, w, prefix + ".feed_forward.output_dense", config.FeedForwardDim, config.EmbedDim);
        }
        GraphValue Norm(GraphValue h, string name) => Nn.LayerNorm(g, h, w, $"{prefix}.{name}", config.EmbedDim, config.Epsilon);

        if (config.LayerNormFirst)
        {
            x = g.Add(x, Attention(Norm(x, "layer_norm")));
            return g.Add(x, FeedForward(Norm(x, "final_layer_norm")));
        }
        x = Norm(g.Add(x, Attention(x)), "layer_norm");
        return Norm(g.Add(x, FeedForward(x)), "final_layer_norm");
    }

    /// <summary>
    /// ‖x − c_k‖² for every centre as ‖x‖² − 2·x·c_k + ‖c_k‖² (one MatMul); −2·Cᵀ and ‖c‖² are folded into constants.
    /// </summary>
    private static GraphValue SquaredDistances(OnnxGraphBuilder g, GraphValue x, KMeansCentroids kmeans)
    {
        int k = kmeans.Clusters, d = kmeans.Dim;
        var minusTwoCt = new float[d * k];
        var squaredNorms = new float[k];
        for (int c = 0; c < k; c++)
        {
            double norm = 0;
            for (int j = 0; j < d; j++)
            {
                float v = kmeans.Data[c * d + j];
                minusTwoCt[j * k + c] = -2f * v;
                norm += (double)v * v;
            }
            squaredNorms[c] = (float)norm;
        }
        using var _ = g.Scope("kmeans");
        var cross = g.MatMul(x, g.Initializer("kmeans.minus_two_centroids_t", TensorData.FromFloat(minusTwoCt, d, k)));
        var xNorm = g.ReduceSum(g.Mul(x, x), [-1]);
        return g.Add(g.Add(cross, xNorm), g.Initializer("kmeans.centroid_norms", TensorData.FromFloat(squaredNorms, k)));
    }
}
