using SoundStorm.Export.Semantic;
using SoundStorm.Export.Tests.Checkpoints;
using SoundStorm.Export.NumPy;

namespace SoundStorm.Export.Tests.Semantic;

/// <summary>Paths and arrays of ../shared/reference/hubert (torchaudio 0.13.1 small HuBERT-like model, README there).</summary>
internal static class HubertReference
{
    internal static readonly string Dir = ReferencePaths.Get("hubert");

    internal static string File(string name) => Path.Combine(Dir, name);

    internal static DTensor Npy(string name)
    {
        var a = NpyFile.Read(File(name));
        return new DTensor(a.ToFloat32().Select(v => (double)v).ToArray(), a.Shape.ToArray());
    }

    internal static long[] Ids(string name) => NpyFile.Read(File(name)).ToInt64();

    internal static Feed Waveform() => Feed.Of("waveform", Npy("input_wav.npy"));

    /// <summary>The statistics graph's outputs ([1, C] each) as the semantic graph's mean and variance inputs ([C]).</summary>
    internal static Feed[] StatisticsFeeds(Dictionary<string, DTensor> statistics) =>
        [.. new[] { SemanticStatisticsGraph.MeanName, SemanticStatisticsGraph.VarianceName }
            .Select(name => new Feed(name, statistics[name].ToFloat(), [statistics[name].Shape[1]]))];

    /// <summary>Builds the graph for <paramref name="layer"/> from a checkpoint and runs it on the reference clip.</summary>
    internal static Dictionary<string, DTensor> Run(string checkpoint, int layer, KMeansCentroids? kmeans = null, SemanticGraphOptions? options = null)
    {
        var (weights, config, _) = HubertImporter.ReadModel(File(checkpoint), File("torchaudio_config.json"));
        var model = SemanticGraph.Build(config, weights, layer, kmeans, options);
        weights.EnsureAllUsed();
        return OrtRunner.Run(model, Waveform());
    }
}
