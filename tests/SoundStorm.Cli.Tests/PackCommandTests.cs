namespace SoundStorm.Cli.Tests;

/// <summary>
/// <c>pack</c> refuses graph paths that leave a fragment folder and package folders whose hashes are wrong, and carries
/// a transformer's fused alternative (converted too under <c>--float16-weights</c>).
/// </summary>
[Collection("console")]
public sealed class PackCommandTests : IDisposable
{
    private readonly string _dir = Paths.NewTemp();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("/etc/passwd", false)]
    [InlineData("../outside.onnx", false)]
    [InlineData("../outside.onnx", true)]
    public void A_graph_path_outside_the_fragment_folder_is_one_error_line(string file, bool float16)
    {
        Directory.CreateDirectory($"{_dir}/acoustic");
        File.WriteAllText($"{_dir}/outside.onnx", "not read");
        File.WriteAllText($"{_dir}/acoustic/fragment.json", $$"""{ "codebooks": 4, "graphs": { "combiner": "{{file}}" } }""");

        string[] args = ["pack", "--acoustic", $"{_dir}/acoustic", "--out", $"{_dir}/package", .. float16 ? ["--float16-weights"] : Array.Empty<string>()];
        var (code, _, error) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Equal($"error: Model package file '{_dir}/acoustic/fragment.json', graphs.combiner: expected a relative path inside the fragment folder, "
            + $"found \"{file}\"." + Environment.NewLine, error);
        Assert.False(Directory.Exists($"{_dir}/package"));
    }

    [Fact]
    public void A_package_whose_hashes_are_wrong_is_refused_not_rehashed()
    {
        Directory.CreateDirectory($"{_dir}/acoustic");
        File.WriteAllText($"{_dir}/acoustic/combiner.onnx", "changed after packing");
        string zeros = new('0', 64);
        File.WriteAllText($"{_dir}/acoustic/manifest.json", $$"""{ "codebooks": 4, "graphs": { "combiner": { "file": "combiner.onnx", "sha256": "{{zeros}}" } } }""");

        var (code, _, error) = CliRunner.Run("pack", "--acoustic", $"{_dir}/acoustic", "--out", $"{_dir}/package");
        Assert.Equal(2, code);
        Assert.StartsWith($"error: Model package file '{_dir}/acoustic/combiner.onnx', graphs.combiner.sha256: expected {zeros}, found ", error);
        Assert.EndsWith(" (the file was changed or damaged)." + Environment.NewLine, error);
        Assert.False(Directory.Exists($"{_dir}/package"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_fused_transformer_is_packed_and_opened_on_the_cpu(bool float16)
    {
        var config = new SoundStorm.Export.Acoustic.PaperModelConfig { Dim = 16, Layers = 1, Heads = 2, FeedForward = 24, ConvKernel = 3, Codebooks = 3, CodebookSize = 11, SemanticVocab = 7 };
        var weights = SoundStorm.Export.Acoustic.PaperStateDict.Random(config, 2);
        var (combiner, transformer) = SoundStorm.Export.Acoustic.PaperGraphs.Build(config, weights);
        Directory.CreateDirectory($"{_dir}/acoustic");
        combiner.Save($"{_dir}/acoustic/combiner.onnx");
        transformer.Save($"{_dir}/acoustic/transformer.onnx");
        SoundStorm.Export.Acoustic.PaperGraphs.BuildFusedTransformer(config, weights).Save($"{_dir}/acoustic/fused.onnx");
        File.WriteAllText($"{_dir}/acoustic/fragment.json", """
            { "modelFamily": "maskgit", "codebooks": 3, "codebookSize": 11, "semanticVocabulary": 7, "maskTokenId": 11,
              "graphs": { "combiner": "combiner.onnx", "transformer": "transformer.onnx" }, "fused": { "transformer": "fused.onnx" } }
            """);

        string[] args = ["pack", "--acoustic", $"{_dir}/acoustic", "--out", $"{_dir}/package", .. float16 ? ["--float16-weights"] : Array.Empty<string>()];
        var (code, _, error) = CliRunner.Run(args);
        Assert.True(code == 0, error);
        using var package = ModelPackage.Load($"{_dir}/package");
        Assert.Equal("transformer.fused.onnx", WrittenManifest.Of(package).Graphs["transformer"].Fused?.File);
        using var session = package.CreateSession("transformer", new SessionSettings());
        Assert.Equal("fused", session.ModelMetadata.CustomMetadataMap["soundstorm.attention"]);
    }
}
