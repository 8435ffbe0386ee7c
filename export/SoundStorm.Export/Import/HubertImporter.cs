using SoundStorm.Export.Semantic;
using SoundStorm.Export.Weights;

using SoundStorm.Export.Packaging;

namespace SoundStorm.Export.Import;

/// <summary>What <see cref="HubertImporter.Import"/> wrote.</summary>
/// <param name="Config">The encoder configuration used.</param>
/// <param name="Naming">The naming scheme the checkpoint used.</param>
/// <param name="Layer">The transformer layer whose output is tokenised.</param>
/// <param name="Clusters">K (0 when no k-means was given and the graph outputs features).</param>
/// <param name="GraphPath">Path of <c>semantic.onnx</c>.</param>
/// <param name="StatisticsGraphPath">Path of <c>semantic_statistics.onnx</c>, written for a GroupNorm extractor with k-means; else null.</param>
public sealed record HubertImportResult(HubertConfig Config, HubertNaming Naming, int Layer, int Clusters, string GraphPath, string? StatisticsGraphPath = null);

/// <summary>
/// Imports a HuBERT checkpoint (torchaudio .pth, Hugging Face safetensors/.bin, fairseq .pt) and optional k-means
/// centres into <c>semantic.onnx</c> (waveform → tokens, or → features without k-means) plus <c>semantic.json</c>.
/// A tokenizer whose extractor normalises over the whole input (GroupNorm, HuBERT Base) is written as two graphs —
/// <c>semantic_statistics.onnx</c> gathers the normalisation statistics and <c>semantic.onnx</c> takes them as inputs —
/// so the runtime can tokenise a long input in chunks exactly as in one pass.
/// </summary>
public static class HubertImporter
{
    /// <summary>Graph file name.</summary>
    public const string GraphFileName = "semantic.onnx";

    /// <summary>File name of the statistics graph.</summary>
    public const string StatisticsGraphFileName = "semantic_statistics.onnx";

    /// <summary>Settings file name.</summary>
    public const string SettingsFileName = "semantic.json";

    /// <summary>Reads, checks and converts; throws one <see cref="WeightMismatchException"/> listing every tensor problem.</summary>
    /// <param name="checkpoint">HuBERT weights.</param>
    /// <param name="configOrNull">A config json (Hugging Face, torchaudio or fairseq); null = settings stored in the checkpoint, else standard defaults.</param>
    /// <param name="layer">Transformer layer whose raw output is quantised (1-based; 0 = encoder input).</param>
    /// <param name="kmeansOrNull">k-means centres (.npy or scikit-learn joblib/pickle); null writes a features-only graph.</param>
    /// <param name="outputDirectory">Created if needed.</param>
    /// <param name="attentionSpanFrames">Frames each frame attends to on either side (<see cref="SemanticGraphOptions.AttentionSpanFrames"/>); null: global attention.</param>
    public static HubertImportResult Import(string checkpoint, string? configOrNull, int layer, string? kmeansOrNull, string outputDirectory, int? attentionSpanFrames = null)
    {
        var (weights, config, naming) = ReadModel(checkpoint, configOrNull);
        var kmeans = kmeansOrNull is null ? null : KMeansReader.Read(kmeansOrNull);
        bool chunkable = kmeans is not null && config.ExtractorMode == HubertExtractorMode.GroupNorm;
        var model = SemanticGraph.Build(config, weights, layer, kmeans, new SemanticGraphOptions(ExternalExtractorStatistics: chunkable, AttentionSpanFrames: attentionSpanFrames));
        var statistics = chunkable ? SemanticStatisticsGraph.Build(config, weights) : null;
        weights.EnsureAllUsed();
        Directory.CreateDirectory(outputDirectory);
        string graphPath = Path.Combine(outputDirectory, GraphFileName);
        model.Save(graphPath);
        string? statisticsPath = null;
        if (statistics is not null) statistics.Save(statisticsPath = Path.Combine(outputDirectory, StatisticsGraphFileName));
        else File.Delete(Path.Combine(outputDirectory, StatisticsGraphFileName)); // a stale one from an earlier import would be packed
        var settings = new
        {
            graph = GraphFileName,
            layer,
            clusters = kmeans?.Clusters ?? 0,
            sample_rate = 16000,
            hop = config.Hop,
            receptive_field = config.ReceptiveField,
            frame_rate = 16000.0 / config.Hop,
            embed_dim = config.EmbedDim,
            attention_span = attentionSpanFrames,
            source_naming = naming.ToString(),
        };
        File.WriteAllText(Path.Combine(outputDirectory, SettingsFileName), JsonSerializer.Serialize(settings, new JsonSerializerOptions { WriteIndented = true }));
        if (kmeans is not null) // only a graph that ends in token ids can be a package's semantic tokenizer
        {
            var fragment = new PackageFragment
            {
                SampleRate = 16000,
                FrameRate = 16000.0 / config.Hop,
                SemanticVocabulary = kmeans.Clusters,
                Graphs = { [GraphNames.Semantic] = GraphFileName },
            };
            if (statisticsPath is not null) fragment.Graphs[GraphNames.SemanticStatistics] = StatisticsGraphFileName;
            fragment.Write(outputDirectory);
        }
        return new HubertImportResult(config, naming, layer, kmeans?.Clusters ?? 0, graphPath, statisticsPath);
    }

    /// <summary>Reads the checkpoint, infers and checks the configuration; weights come back in torchaudio names.</summary>
    public static (WeightSet Weights, HubertConfig Config, HubertNaming Naming) ReadModel(string checkpoint, string? configOrNull)
    {
        var (weights, naming, embedded) = HubertCheckpointReader.Read(checkpoint);
        var hints = configOrNull is not null ? HubertConfigHints.FromJsonFile(configOrNull) : embedded;
        var config = HubertConfigInference.Infer(weights, hints);
        HubertConfigInference.Check(weights, config);
        return (weights, config, naming);
    }
}
