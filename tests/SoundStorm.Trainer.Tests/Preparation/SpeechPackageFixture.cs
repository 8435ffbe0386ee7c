using SoundStorm.Export.Acoustic;
using SoundStorm.Export.Import;
using SoundStorm.Onnx.Packages;
using SoundStorm.Trainer.Tests.Support;

namespace SoundStorm.Trainer.Tests.Preparation;

/// <summary>
/// A package with the graphs <c>prepare</c> needs, from real imported checkpoints: the reference HuBERT with k-means
/// at layer 2 (semantic) and the reference HiFi-Codec (codec_encoder, codec_decoder), around a small random-weight
/// paper-family acoustic model (a package needs one; prepare does not use it). Built once per test class, like
/// SoundStorm.Onnx.Tests' FullPackageFixture.
/// </summary>
public sealed class SpeechPackageFixture : IDisposable
{
    private readonly TempFolder _temp = new();

    public SpeechPackageFixture()
    {
        string semantic = _temp.Sub("semantic"), codec = _temp.Sub("codec"), acoustic = _temp.Sub("acoustic");
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
        PackageFolder = _temp.Sub("package");
        PackageAssembler.Assemble([acoustic, codec, semantic], PackageFolder, "test-speech");
    }

    public string PackageFolder { get; }

    public void Dispose() => _temp.Dispose();
}
