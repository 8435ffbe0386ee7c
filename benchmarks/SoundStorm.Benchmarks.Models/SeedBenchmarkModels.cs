using SoundStorm.Export.Acoustic;
using SoundStorm.Export.Onnx.Quantization;
using SoundStorm.Export.Packaging;

namespace SoundStorm.Benchmarks.Models;

/// <summary>The seed-family shapes the harness runs, with random weights, each written as a package once and cached.</summary>
internal static class SeedBenchmarkModels
{
    /// <summary>The shapes by name.</summary>
    public static IReadOnlyDictionary<string, SeedModelConfig> Shapes { get; } = new Dictionary<string, SeedModelConfig>
    {
        // The seed implementation's released configuration: 16 layers × 512, 8 heads, U-Net combiner, K = 500, Q = 4 × 1024.
        ["seed-default"] = new(),
        // A tiny model for the smoke mode (harness correctness only).
        ["seed-tiny"] = new()
        {
            Dim = 32, Layers = 2, Heads = 2, Codebooks = 2, CodebookSize = 16, SemanticVocab = 10, MaxFrames = 200,
            PromptSemanticPositions = 100, TargetSemanticPositions = 200, PromptAcousticPositions = 100, TargetAcousticPositions = 200, TimestepRows = 100,
        },
    };

    /// <summary>
    /// Writes (or reuses) the package folder under <paramref name="cacheRoot"/>; with <paramref name="int8"/> the
    /// transformer is quantised as <c>pack --int8</c> does (the same random weights otherwise).
    /// </summary>
    public static string EnsurePackage(string name, string cacheRoot, bool int8 = false)
    {
        var config = Shapes[name];
        return PackageCache.Ensure(cacheRoot, name + (int8 ? "-int8" : ""), config, typeof(SeedGraphs), (graphs, folder) =>
        {
            var built = SeedGraphs.Build(config, SeedStateDict.Random(config, seed: 1));
            if (int8)
                built = built with { Transformer = Int8MatMuls.Quantize(built.Transformer, out _), FusedTransformer = Int8MatMuls.Quantize(built.FusedTransformer!, out _) };
            var files = built.Save(graphs);
            var manifest = new ModelManifest
            {
                Name = name, ModelFamily = ModelFamilies.SeedDiffusion, SampleRate = 16000, FrameRate = 50,
                Codebooks = config.Codebooks, CodebookSize = config.CodebookSize, SemanticVocabulary = config.SemanticVocab,
                MaskTokenId = config.MaskId, MaxGeneratedFrames = config.MaxGeneratedFrames, MaxPromptFrames = config.MaxPromptFrames,
            };
            var builder = new ModelPackageBuilder(manifest);
            foreach (var (role, file) in files) builder.AddGraph(role, Path.Combine(graphs, file));
            builder.AddFusedVariant(GraphNames.Transformer, Path.Combine(graphs, SeedGraphSet.FusedTransformerFile));
            builder.WriteFolder(folder);
        });
    }
}
