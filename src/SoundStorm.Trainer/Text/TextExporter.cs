using SoundStorm.Export.Text;
using SoundStorm.Export.Packaging;
using SoundStorm.Trainer.Checkpoints;

namespace SoundStorm.Trainer.Text;

/// <summary>A <c>train-text</c> checkpoint → a fragment folder with the <c>text_to_semantic</c> graph, for <c>soundstorm pack --text</c>.</summary>
internal static class TextExporter
{
    /// <summary>The graph's file name in the fragment.</summary>
    public const string GraphFile = "text_to_semantic.onnx";

    /// <summary>Writes the graph and <c>fragment.json</c>; returns the graph's path.</summary>
    public static string Export(TextCheckpoint checkpoint, string folder)
    {
        if (checkpoint.FormatName != TextCheckpoint.Format)
            throw new ArgumentException($"{checkpoint.Path}: an autoregressive text model; only the duration model has a text_to_semantic graph.");
        var config = checkpoint.ReadConfig<TextToSemanticConfig>().Validate();
        using var model = new TextToSemanticModel(config);
        StateDicts.Load(model, checkpoint.Under(TextCheckpoint.ModelPrefix), checkpoint.Path);
        var weights = StateDicts.ToWeightSet(model, checkpoint.Path);
        var graph = TextToSemanticGraph.Build(config, weights, checkpoint.Phones);
        weights.EnsureAllUsed();
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, GraphFile);
        graph.Save(path);
        new PackageFragment { SemanticVocabulary = config.Units, Graphs = { [GraphNames.TextToSemantic] = GraphFile } }.Write(folder);
        return path;
    }
}
