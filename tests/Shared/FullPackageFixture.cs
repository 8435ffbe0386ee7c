using SoundStorm.Export.Import;

namespace SoundStorm.Tests.Shared;

/// <summary>
/// A complete model package (semantic, codec encoder and decoder, combiner, transformer) until the trained default model
/// ships: the reference HuBERT with k-means at layer 2 and the reference HiFi-Codec, imported from their PyTorch
/// checkpoints, around a small random-weight paper-family acoustic model of matching vocabularies. Built once per test
/// class as an xunit class fixture; <see cref="Build"/> makes one anywhere.
/// </summary>
public sealed class FullPackageFixture : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "soundstorm-tests", Guid.NewGuid().ToString("N"));

    public FullPackageFixture() => PackageFolder = Build(_dir);

    /// <summary>The package folder (manifest.json and five graphs).</summary>
    public string PackageFolder { get; }

    /// <summary>Imports and assembles the package under <paramref name="workDirectory"/>; returns the package folder.</summary>
    public static string Build(string workDirectory)
    {
        string semantic = Path.Combine(workDirectory, "semantic"), codec = Path.Combine(workDirectory, "codec"), acoustic = Path.Combine(workDirectory, "acoustic");
        HubertImporter.Import(ReferenceData.File("hubert", "model.pth"), ReferenceData.File("hubert", "torchaudio_config.json"), 2,
            ReferenceData.File("hubert", "kmeans_centroids.npy"), semantic);
        HifiCodecImporter.Import(ReferenceData.File("hificodec", "g_00000000.pth"), ReferenceData.File("hificodec", "config.json"), codec);

        var config = new PaperModelConfig { Dim = 32, Layers = 1, Heads = 2, FeedForward = 64, Codebooks = 4, CodebookSize = 1024, SemanticVocab = 32 };
        var (combiner, transformer) = PaperGraphs.Build(config, PaperStateDict.Random(config, 3));
        Directory.CreateDirectory(acoustic);
        combiner.Save(Path.Combine(acoustic, "combiner.onnx"));
        transformer.Save(Path.Combine(acoustic, "transformer.onnx"));
        new PackageFragment
        {
            ModelFamily = ModelFamilies.MaskGit, Codebooks = 4, CodebookSize = 1024, SemanticVocabulary = 32, MaskTokenId = 1024,
            Graphs = { [GraphNames.Combiner] = "combiner.onnx", [GraphNames.Transformer] = "transformer.onnx" },
        }.Write(acoustic);
        string package = Path.Combine(workDirectory, "package");
        PackageAssembler.Assemble([acoustic, codec, semantic], package, "test-full");
        return package;
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
