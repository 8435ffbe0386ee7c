using SoundStorm.Export.Acoustic;
using SoundStorm.Export.Onnx.Quantization;
using SoundStorm.Export.Packaging;

namespace SoundStorm.Benchmarks.Models;

/// <summary>A seed-family model shape with random weights, written as a package once and cached.</summary>
internal sealed record SeedBenchmarkModel(string Name, SeedModelConfig Config)
{
    /// <summary>The seed implementation's released configuration: 16 layers × 512, 8 heads, U-Net combiner, K = 500, Q = 4 × 1024.</summary>
    public static SeedBenchmarkModel Default { get; } = new("seed-default", new SeedModelConfig());

    /// <summary>A tiny model for the smoke mode (harness correctness only).</summary>
    public static SeedBenchmarkModel Tiny { get; } = new("seed-tiny", new SeedModelConfig
    {
        Dim = 32, Layers = 2, Heads = 2, Codebooks = 2, CodebookSize = 16, SemanticVocab = 10, MaxFrames = 200,
        PromptSemanticPositions = 100, TargetSemanticPositions = 200, PromptAcousticPositions = 100, TargetAcousticPositions = 200, TimestepRows = 100,
    });

    /// <summary>
    /// Writes (or reuses) the package folder under <paramref name="cacheRoot"/>; with <paramref name="int8"/> the
    /// transformer is quantised as <c>pack --int8</c> does (the same random weights otherwise).
    /// </summary>
    public string EnsurePackage(string cacheRoot, bool int8 = false) =>
        PackageCache.Ensure(cacheRoot, Name + (int8 ? "-int8" : ""), Config, typeof(SeedGraphs), (graphs, folder) =>
        {
            var (combiner, transformer) = SeedGraphs.Build(Config, SeedStateDict.Random(Config, seed: 1));
            combiner.Save(Path.Combine(graphs, "combiner.onnx"));
            (int8 ? Int8MatMuls.Quantize(transformer, out _) : transformer).Save(Path.Combine(graphs, "transformer.onnx"));
            var manifest = new ModelManifest
            {
                Name = Name, ModelFamily = ModelFamilies.SeedDiffusion, SampleRate = 16000, FrameRate = 50,
                Codebooks = Config.Codebooks, CodebookSize = Config.CodebookSize, SemanticVocabulary = Config.SemanticVocab,
                MaskTokenId = Config.MaskId, MaxGeneratedFrames = Config.MaxGeneratedFrames, MaxPromptFrames = Config.MaxPromptFrames,
            };
            new ModelPackageBuilder(manifest)
                .AddGraph(GraphNames.Combiner, Path.Combine(graphs, "combiner.onnx"))
                .AddGraph(GraphNames.Transformer, Path.Combine(graphs, "transformer.onnx"))
                .WriteFolder(folder);
        });
}
