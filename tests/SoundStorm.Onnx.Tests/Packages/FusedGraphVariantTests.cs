using System.Text.Json.Nodes;
using Microsoft.ML.OnnxRuntime;
using SoundStorm.Onnx.Sessions;

namespace SoundStorm.Onnx.Tests.Packages;

/// <summary>
/// A package whose transformer has a fused alternative (<c>graphs.transformer.fused</c>): the assembler writes it, the
/// loader checks it like any graph file, and a session opens it on CPU and CUDA but the standard file on DirectML or
/// when the settings ask for the standard graphs. Which file a session opened is read from the graph's own metadata.
/// </summary>
public class FusedGraphVariantTests
{
    private static readonly Lazy<string> Package = new(() => WritePackage(TestPaths.NewTempDirectory()));

    // No provider is appended: the session runs on the CPU, but the chooser sees the provider the settings name.
    private static readonly SessionFactory.ProviderAppender PretendAvailable = (_, _, _) => { };

    [Fact]
    public void The_assembled_manifest_names_the_fused_file_and_loads()
    {
        using var package = ModelPackage.Load(Package.Value);
        var fused = package.Manifest.Graphs[GraphNames.Transformer].Fused;
        Assert.NotNull(fused);
        Assert.Equal("transformer.fused.onnx", fused.File);
        Assert.Equal(PackageHashes.Compute(Path.Combine(Package.Value, fused.File)), fused.Sha256);
        Assert.Null(package.Manifest.Graphs[GraphNames.Combiner].Fused);
        Assert.Contains("\"fused\"", File.ReadAllText(Path.Combine(Package.Value, ModelManifest.FileName)));
    }

    [Theory]
    [InlineData(ExecutionProvider.Cpu, false, "fused")]
    [InlineData(ExecutionProvider.Cuda, false, "fused")]
    [InlineData(ExecutionProvider.DirectML, false, "standard")]
    [InlineData(ExecutionProvider.Cpu, true, "standard")]
    [InlineData(ExecutionProvider.Cuda, true, "standard")]
    public void The_provider_picks_the_file(ExecutionProvider provider, bool preferStandard, string expected)
    {
        using var package = ModelPackage.Load(Package.Value, verifyGraphs: false);
        var settings = new SessionSettings { Provider = provider, PreferStandardGraphs = preferStandard };
        using var session = package.CreateSession(GraphNames.Transformer, settings, PretendAvailable);
        Assert.Equal(expected, Attention(session));
    }

    [Fact]
    public void DirectML_missing_with_cpu_fallback_opens_the_fused_file_on_the_cpu()
    {
        // DirectML is not in this build: the fallback runs on the CPU, which runs the fused operators.
        using var package = ModelPackage.Load(Package.Value, verifyGraphs: false);
        using var session = package.CreateSession(GraphNames.Transformer,
            new SessionSettings { Provider = ExecutionProvider.DirectML, AllowCpuFallback = true });
        Assert.Equal("fused", Attention(session));
        Assert.Throws<ExecutionProviderUnavailableException>(() =>
            package.CreateSession(GraphNames.Transformer, new SessionSettings { Provider = ExecutionProvider.DirectML }));
    }

    [Fact]
    public void Both_files_generate_the_same_tokens()
    {
        using var package = ModelPackage.Load(Package.Value, verifyGraphs: false);
        var request = new GenerationRequest(new long[] { 1, 4, 0, 6, 2, 2, 5, 3, 1, 0, 6, 4 });
        var options = new GenerationOptions { Seed = 7 };
        using var fused = new SoundStormGenerator(package, new SessionSettings { IntraOpThreads = 1 });
        using var standard = new SoundStormGenerator(package, new SessionSettings { IntraOpThreads = 1, PreferStandardGraphs = true });
        Assert.Equal(standard.Generate(request, options), fused.Generate(request, options));
    }

    [Fact]
    public void A_manifest_without_the_field_opens_the_standard_file_everywhere()
    {
        string folder = CopyPackage();
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, ModelManifest.FileName)))!;
        manifest["graphs"]!["transformer"]!.AsObject().Remove("fused");
        File.WriteAllText(Path.Combine(folder, ModelManifest.FileName), manifest.ToJsonString());
        using var package = ModelPackage.Load(folder);
        Assert.Null(package.Manifest.Graphs[GraphNames.Transformer].Fused);
        using var session = package.CreateSession(GraphNames.Transformer, new SessionSettings());
        Assert.Equal("standard", Attention(session));
    }

    [Fact]
    public void A_changed_fused_file_is_refused_by_its_field()
    {
        string folder = CopyPackage();
        File.AppendAllText(Path.Combine(folder, "transformer.fused.onnx"), "x");
        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(folder, verifyGraphs: false));
        Assert.Equal("graphs.transformer.fused.sha256", e.Field);
        Assert.Contains("changed or damaged", e.Message);
    }

    [Theory]
    [InlineData("", "graphs.transformer.fused.file", "a file name")]
    [InlineData("transformer.onnx", "graphs.transformer.fused.file", "a file other than graphs.transformer.file")]
    [InlineData("../elsewhere.onnx", "graphs.transformer.fused.file", "a relative path inside the package")]
    public void A_bad_fused_file_name_is_refused(string file, string field, string expected)
    {
        string folder = CopyPackage();
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, ModelManifest.FileName)))!;
        manifest["graphs"]!["transformer"]!["fused"]!["file"] = file;
        File.WriteAllText(Path.Combine(folder, ModelManifest.FileName), manifest.ToJsonString());
        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(folder, verifyGraphs: false));
        Assert.Equal(field, e.Field);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_zipped_package_carries_the_fused_file()
    {
        string zip = Path.Combine(TestPaths.NewTempDirectory(), "model.zip");
        PackageAssembler.Assemble([Package.Value], zip, "zipped");
        using var package = ModelPackage.Load(zip);
        using var session = package.CreateSession(GraphNames.Transformer, new SessionSettings());
        Assert.Equal("fused", Attention(session));
    }

    private static string Attention(InferenceSession session) => session.ModelMetadata.CustomMetadataMap["soundstorm.attention"];

    private static string CopyPackage()
    {
        string copy = TestPaths.NewTempDirectory();
        foreach (string file in Directory.GetFiles(Package.Value)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        return copy;
    }

    // Written as the benchmark and `soundstorm pack` write packages: a fragment naming the fused file, then the assembler.
    private static string WritePackage(string work)
    {
        string fragment = Path.Combine(work, "acoustic");
        Directory.CreateDirectory(fragment);
        var weights = PaperStateDict.Random(Config, 4);
        var (combiner, transformer) = PaperGraphs.Build(Config, weights);
        combiner.Save(Path.Combine(fragment, "combiner.onnx"));
        transformer.Save(Path.Combine(fragment, "transformer.onnx"));
        PaperGraphs.BuildFusedTransformer(Config, weights).Save(Path.Combine(fragment, "t-fused.onnx"));
        new PackageFragment
        {
            ModelFamily = ModelFamilies.MaskGit, Codebooks = Config.Codebooks, CodebookSize = Config.CodebookSize,
            SemanticVocabulary = Config.SemanticVocab, MaskTokenId = Config.MaskId,
            Graphs = { [GraphNames.Combiner] = "combiner.onnx", [GraphNames.Transformer] = "transformer.onnx" },
            Fused = new() { [GraphNames.Transformer] = "t-fused.onnx" },
        }.Write(fragment);
        string package = Path.Combine(work, "package");
        PackageAssembler.Assemble([fragment], package, "fused-test");
        return package;
    }

    private static readonly PaperModelConfig Config = new()
    {
        Dim = 16, Layers = 1, Heads = 2, FeedForward = 24, ConvKernel = 3, Codebooks = 3, CodebookSize = 11, SemanticVocab = 7,
    };
}
