using SoundStorm.Export.Semantic;
using static SoundStorm.Export.Tests.Semantic.HubertReference;

namespace SoundStorm.Export.Tests.Semantic;

/// <summary>
/// The reference HuBERT-like model imported from torchaudio (.pth) and Hugging Face (.safetensors) names reproduces
/// torchaudio's hidden states per layer (README tolerance: max|diff| / max|ref| ≤ 1e-4) and the k-means tokens exactly.
/// </summary>
public class HubertReferenceTests(Xunit.Abstractions.ITestOutputHelper output)
{
    public static TheoryData<string, int> LayerCases()
    {
        var data = new TheoryData<string, int>();
        foreach (string file in new[] { "model.pth", "model_hf.safetensors" })
            for (int layer = 0; layer <= 3; layer++) data.Add(file, layer);
        return data;
    }

    [ReferenceTheory]
    [MemberData(nameof(LayerCases))]
    public void Hidden_state_of_each_layer_matches_torchaudio(string checkpoint, int layer)
    {
        var features = Run(checkpoint, layer)["features"];
        double error = Compare.RelativeError(features, Npy($"hidden_state_{layer}.npy"));
        output.WriteLine($"{checkpoint} layer {layer}: relative error {error:E3}");
        Assert.True(error <= 1e-4, $"layer {layer}: relative error {error:E3} exceeds 1e-4");
    }

    [ReferenceTheory]
    [InlineData("model.pth")]
    [InlineData("model_hf.safetensors")]
    public void Tokens_and_distances_match_the_reference_kmeans(string checkpoint)
    {
        var kmeans = KMeansReader.Read(File("kmeans_centroids.npy"));
        var outputs = Run(checkpoint, 2, kmeans, new SemanticGraphOptions(IncludeFeatures: true, IncludeDistances: true));
        var expected = Ids("kmeans_tokens.npy");
        Assert.Equal(new[] { 1, 74 }, outputs["tokens"].Shape);
        Assert.Equal(expected, outputs["tokens"].Data.Select(v => (long)v).ToArray());
        var distances = outputs["distances"].Reshape(74, 32);
        double error = Compare.RelativeError(distances, Npy("kmeans_distances.npy"));
        output.WriteLine($"{checkpoint}: distance relative error {error:E3}");
        Assert.True(error <= 1e-4, $"distance relative error {error:E3}");
        Compare.Close(outputs["features"], Npy("hidden_state_2.npy"), 1e-4);
    }

    [ReferenceFact]
    public void Importer_writes_a_graph_and_settings_that_reproduce_the_tokens()
    {
        string dir = Path.Combine(Path.GetTempPath(), "hubert-import-" + Guid.NewGuid().ToString("N"));
        try
        {
            var result = HubertImporter.Import(File("model.pth"), File("hf_config.json"), 2, File("kmeans_centroids.npy"), dir);
            Assert.Equal((HubertNaming.Torchaudio, 2, 32, 3, 4, 64), (result.Naming, result.Layer, result.Clusters, result.Config.Layers, result.Config.Heads, result.Config.EmbedDim));
            Assert.Equal((128, 16, false, HubertExtractorMode.GroupNorm), (result.Config.PosConvKernel, result.Config.PosConvGroups, result.Config.LayerNormFirst, result.Config.ExtractorMode));
            // A GroupNorm extractor is written as two graphs: the statistics of the input, then the tokens given them.
            Assert.Equal(Path.Combine(dir, HubertImporter.StatisticsGraphFileName), result.StatisticsGraphPath);
            var statistics = OrtRunner.RunFile(result.StatisticsGraphPath!, Waveform());
            var tokens = OrtRunner.RunFile(result.GraphPath, [Waveform(), .. StatisticsFeeds(statistics)])["tokens"];
            Assert.Equal(Ids("kmeans_tokens.npy"), tokens.Data.Select(v => (long)v).ToArray());
            string json = System.IO.File.ReadAllText(Path.Combine(dir, HubertImporter.SettingsFileName));
            Assert.Contains("\"layer\": 2", json);
            Assert.Contains("\"clusters\": 32", json);
            Assert.Contains("\"frame_rate\": 50", json);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [ReferenceTheory]
    [InlineData("hf_config.json")]
    [InlineData("torchaudio_config.json")]
    public void Both_config_formats_give_the_reference_configuration(string configFile)
    {
        var hints = HubertConfigHints.FromJsonFile(File(configFile));
        Assert.Equal((4, false, HubertExtractorMode.GroupNorm), (hints.Heads, hints.LayerNormFirst, hints.ExtractorMode));
        Assert.Equal(HubertConfig.StandardConvLayers(32), hints.ConvLayers);
    }

    [ReferenceFact]
    public void Without_a_config_the_standard_defaults_apply()
    {
        var (_, config, naming) = HubertImporter.ReadModel(File("model_hf.safetensors"), null);
        Assert.Equal(HubertNaming.HuggingFace, naming);
        Assert.Equal((1, false, 128, 16, 3, 128), (config.Heads, config.LayerNormFirst, config.PosConvKernel, config.PosConvGroups, config.Layers, config.FeedForwardDim));
        Assert.Equal((320, 400, 74L, 0L, 1L), (config.Hop, config.ReceptiveField, config.Frames(24000), config.Frames(399), config.Frames(400)));
    }
}
