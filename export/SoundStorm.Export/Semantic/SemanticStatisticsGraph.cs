using SoundStorm.Export.Onnx;
using SoundStorm.Export.Onnx.Blocks;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Semantic;

/// <summary>
/// Writes the <c>semantic_statistics</c> graph: waveform float [batch, samples] → the per-channel mean and (biased)
/// variance of the feature extractor's first convolution over the input, [batch, channels] each, and the number of
/// frames they cover, int64 [1]. HuBERT Base's GroupNorm normalises every channel over the whole input, so its tokens
/// depend on how long the input is; with these statistics gathered over a long input chunk by chunk (chunks that share
/// no frame: the metadata gives the convolution's kernel and stride) and merged, the semantic graph written with
/// <see cref="SemanticGraphOptions.ExternalExtractorStatistics"/> tokenises each chunk as one pass would.
/// </summary>
public static class SemanticStatisticsGraph
{
    /// <summary>Graph name (the package role).</summary>
    public const string Name = "semantic_statistics";

    /// <summary>Name of the mean, as this graph's output and the semantic graph's input.</summary>
    public const string MeanName = "extractor_mean";

    /// <summary>Name of the variance, as this graph's output and the semantic graph's input.</summary>
    public const string VarianceName = "extractor_variance";

    /// <summary>Name of the frame count output.</summary>
    public const string FramesName = "extractor_frames";

    /// <summary>Builds the graph; only a GroupNorm extractor has statistics to gather.</summary>
    /// <exception cref="ArgumentException">The extractor normalises per frame (LayerNorm mode).</exception>
    public static OnnxModel Build(HubertConfig config, WeightSet w)
    {
        config.Validate();
        if (config.ExtractorMode != HubertExtractorMode.GroupNorm)
            throw new ArgumentException("A LayerNorm extractor normalises each frame on its own; it has no input-wide statistics.", nameof(config));
        var first = config.ConvLayers[0];
        var g = new OnnxGraphBuilder(Name);
        var waveform = g.Input("waveform", ElementType.Float, "batch", "samples");
        var x = Nn.Conv1d(g, g.Unsqueeze(waveform, 1), w, "feature_extractor.conv_layers.0.conv", 1, first.Channels, first.Kernel,
            ConvSpec.OneD(stride: first.Stride, bias: config.ConvBias));
        // Two passes over the frames (mean, then the mean square deviation) keep the variance accurate where the mean is large.
        var mean = g.ReduceMean(x, [2]);
        var deviation = g.Sub(x, mean);
        var variance = g.ReduceMean(g.Mul(deviation, deviation), [2], keepDims: false);
        g.Output(g.Squeeze(mean, 2), MeanName, ElementType.Float, "batch", first.Channels);
        g.Output(variance, VarianceName, ElementType.Float, "batch", first.Channels);
        g.Output(g.Slice(g.Shape(x), [2], [3], [0]), FramesName, ElementType.Int64, 1);
        return g.Build(new ModelOptions
        {
            DocString = "Per-channel mean and variance of the HuBERT feature extractor's first convolution",
            Metadata = new Dictionary<string, string>
            {
                ["extractor_kernel"] = first.Kernel.ToString(CultureInfo.InvariantCulture),
                ["extractor_stride"] = first.Stride.ToString(CultureInfo.InvariantCulture),
            },
        });
    }
}
