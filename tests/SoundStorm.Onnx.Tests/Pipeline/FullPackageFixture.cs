using SoundStorm.Export.Acoustic;
using SoundStorm.Export.Import;
using SoundStorm.Onnx.Packages;

namespace SoundStorm.Onnx.Tests.Pipeline;

/// <summary>
/// A complete package from real imported checkpoints (the reference HuBERT with k-means at layer 2, the reference
/// HiFi-Codec) around a small random-weight paper-family acoustic model of matching vocabularies — built once.
/// </summary>
public sealed class FullPackageFixture : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDirectory();

    public FullPackageFixture()
    {
        string semantic = Path.Combine(_dir, "semantic"), codec = Path.Combine(_dir, "codec"), acoustic = Path.Combine(_dir, "acoustic");
        HubertImporter.Import(TestPaths.ReferenceFile("hubert", "model.pth"), TestPaths.ReferenceFile("hubert", "torchaudio_config.json"), 2,
            TestPaths.ReferenceFile("hubert", "kmeans_centroids.npy"), semantic);
        HifiCodecImporter.Import(TestPaths.ReferenceFile("hificodec", "g_00000000.pth"), TestPaths.ReferenceFile("hificodec", "config.json"), codec);

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
        PackageFolder = Path.Combine(_dir, "package");
        PackageAssembler.Assemble([acoustic, codec, semantic], PackageFolder, "test-full");
    }

    public string PackageFolder { get; }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
