using SoundStorm.Export.Acoustic;
using SoundStorm.Export.Onnx.Quantization;
using SoundStorm.Export.Packaging;

namespace SoundStorm.Benchmarks.Models;

/// <summary>A named acoustic-model shape the scenarios run, with random weights written as a package once and cached.</summary>
internal sealed record BenchmarkModel(string Name, PaperModelConfig Config)
{
    /// <summary>The paper's model: 12-layer 1024-wide Conformer, 16 heads, FF 4096, 12 codebooks × 1024 (≈ 350 M with heads).</summary>
    public static BenchmarkModel Paper { get; } = new("paper", new PaperModelConfig());

    /// <summary>A mid size: 6 layers × 512, 8 heads, 8 codebooks.</summary>
    public static BenchmarkModel Mid { get; } = new("mid", new PaperModelConfig { Dim = 512, Layers = 6, Heads = 8, FeedForward = 2048, Codebooks = 8 });

    /// <summary>A tiny model for the smoke mode (harness correctness only).</summary>
    public static BenchmarkModel Tiny { get; } = new("tiny", new PaperModelConfig { Dim = 32, Layers = 2, Heads = 2, FeedForward = 64, Codebooks = 3, CodebookSize = 16, SemanticVocab = 10 });

    /// <summary>Learned parameters of the transformer and combiner (weights only).</summary>
    public long Parameters => PaperStateDict.Shapes(Config).Sum(s => s.Shape.Aggregate(1L, (a, b) => a * b));

    /// <summary>
    /// Writes (or reuses) the package folder under <paramref name="cacheRoot"/>; with <paramref name="int8"/> the
    /// transformer is quantised as <c>pack --int8</c> does (the same random weights otherwise).
    /// </summary>
    public string EnsurePackage(string cacheRoot, bool int8 = false) =>
        PackageCache.Ensure(cacheRoot, Name + (int8 ? "-int8" : ""), Config, typeof(PaperGraphs), (graphs, folder) =>
        {
            var weights = PaperStateDict.Random(Config, seed: 1);
            var (combiner, transformer) = PaperGraphs.Build(Config, weights);
            var fused = PaperGraphs.BuildFusedTransformer(Config, weights);
            combiner.Save(Path.Combine(graphs, "combiner.onnx"));
            (int8 ? Int8MatMuls.Quantize(transformer, out _) : transformer).Save(Path.Combine(graphs, "transformer.onnx"));
            (int8 ? Int8MatMuls.Quantize(fused, out _) : fused).Save(Path.Combine(graphs, PaperTransformerGraph.FusedFileName));
            new PackageFragment
            {
                ModelFamily = ModelFamilies.MaskGit, Codebooks = Config.Codebooks, CodebookSize = Config.CodebookSize,
                SemanticVocabulary = Config.SemanticVocab, MaskTokenId = Config.MaskId,
                Graphs = { [GraphNames.Combiner] = "combiner.onnx", [GraphNames.Transformer] = "transformer.onnx" },
                Fused = new() { [GraphNames.Transformer] = PaperTransformerGraph.FusedFileName },
            }.Write(graphs);
            PackageAssembler.Assemble([graphs], folder, Name);
        });
}
