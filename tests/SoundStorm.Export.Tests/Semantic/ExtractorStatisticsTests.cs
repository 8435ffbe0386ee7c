using SoundStorm.Export.Semantic;
using static SoundStorm.Export.Tests.Semantic.HubertReference;

namespace SoundStorm.Export.Tests.Semantic;

/// <summary>
/// The tokenizer written as two graphs (statistics, then the semantic graph that takes them), on the reference HuBERT:
/// the statistics are the first convolution's per-channel mean and variance (float64 reference), and fed back they
/// reproduce what the original PyTorch model computes in one pass.
/// </summary>
public class ExtractorStatisticsTests
{
    [ReferenceFact]
    public void Statistics_graph_gives_the_first_convolutions_mean_and_variance_over_the_input()
    {
        var (weights, config, _) = HubertImporter.ReadModel(File("model.pth"), File("torchaudio_config.json"));
        var outputs = OrtRunner.Run(SemanticStatisticsGraph.Build(config, weights), Waveform());

        var first = config.ConvLayers[0];
        double[] wave = Npy("input_wav.npy").Data;
        float[] kernel = weights.Get("feature_extractor.conv_layers.0.conv.weight", first.Channels, 1, first.Kernel).Data;
        int frames = (wave.Length - first.Kernel) / first.Stride + 1;
        var mean = new double[first.Channels];
        var variance = new double[first.Channels];
        for (int c = 0; c < first.Channels; c++)
        {
            var y = new double[frames];
            for (int t = 0; t < frames; t++)
                for (int k = 0; k < first.Kernel; k++) y[t] += kernel[c * first.Kernel + k] * wave[t * first.Stride + k];
            mean[c] = y.Average();
            variance[c] = y.Sum(v => (v - mean[c]) * (v - mean[c])) / frames;
        }
        Assert.Equal([frames], outputs[SemanticStatisticsGraph.FramesName].Data);
        Compare.Close(outputs[SemanticStatisticsGraph.MeanName], new DTensor(mean, 1, first.Channels), 1e-5);
        Assert.True(Compare.RelativeError(outputs[SemanticStatisticsGraph.VarianceName], new DTensor(variance, 1, first.Channels)) < 1e-5);
    }

    [ReferenceFact]
    public void Semantic_graph_fed_the_whole_inputs_statistics_reproduces_the_reference_features()
    {
        var (weights, config, _) = HubertImporter.ReadModel(File("model.pth"), File("torchaudio_config.json"));
        var statistics = OrtRunner.Run(SemanticStatisticsGraph.Build(config, weights), Waveform());
        var model = SemanticGraph.Build(config, weights, 2, null, new SemanticGraphOptions(ExternalExtractorStatistics: true));
        weights.EnsureAllUsed();
        var features = OrtRunner.Run(model, [Waveform(), .. StatisticsFeeds(statistics)])["features"];
        Compare.Close(features, Npy("hidden_state_2.npy"), 1e-4);
    }

    [ReferenceFact]
    public void Statistics_of_another_input_change_the_features()
    {
        // The inputs are used: statistics of a quieter input (the waveform halved: mean halved, variance quartered) give other features.
        var (weights, config, _) = HubertImporter.ReadModel(File("model.pth"), File("torchaudio_config.json"));
        var halved = Npy("input_wav.npy");
        halved = new DTensor(halved.Data.Select(v => v / 2).ToArray(), halved.Shape);
        var statistics = OrtRunner.Run(SemanticStatisticsGraph.Build(config, weights), Feed.Of("waveform", halved));
        var model = SemanticGraph.Build(config, weights, 2, null, new SemanticGraphOptions(ExternalExtractorStatistics: true));
        var features = OrtRunner.Run(model, [Waveform(), .. StatisticsFeeds(statistics)])["features"];
        Assert.True(Compare.RelativeError(features, Npy("hidden_state_2.npy")) > 1e-2);
    }

    [Fact]
    public void A_layer_norm_extractor_has_no_statistics_to_gather()
    {
        var config = HubertConfig.Large with { ConvLayers = HubertConfig.StandardConvLayers(8), EmbedDim = 16, Layers = 1, Heads = 2, FeedForwardDim = 32 };
        var e = Assert.Throws<ArgumentException>(() => SemanticStatisticsGraph.Build(config, new SoundStorm.Export.Weights.WeightSet("none")));
        Assert.Contains("LayerNorm extractor", e.Message);
    }
}
