using System.Text.Json.Nodes;

namespace SoundStorm.Onnx.Tests.Packages;

/// <summary>A package folder is itself a fragment (how the trainer's exported acoustic package joins a codec and a tokenizer).</summary>
public sealed class PackageAssemblerTests(FullPackageFixture fixture) : IClassFixture<FullPackageFixture>, IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), "soundstorm-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_out)) Directory.Delete(_out, recursive: true);
    }

    [ReferenceFact]
    public void A_package_folder_reads_as_a_fragment_and_repacks_to_the_same_graphs()
    {
        using var original = ModelPackage.Load(fixture.PackageFolder);
        var fragment = PackageFragment.Read(fixture.PackageFolder);
        Assert.Equal(original.Manifest.Codebooks, fragment.Codebooks);
        Assert.Equal(original.Manifest.SemanticVocabulary, fragment.SemanticVocabulary);
        Assert.Equal(original.Manifest.Graphs.Keys.Order(), fragment.Graphs.Keys.Order());

        var manifest = PackageAssembler.Assemble([fixture.PackageFolder], _out, "repacked");
        foreach (var (role, entry) in original.Manifest.Graphs)
            Assert.Equal(entry.Sha256, manifest.Graphs[role].Sha256);
    }

    [ReferenceFact]
    public void A_folder_with_neither_file_is_named()
    {
        Directory.CreateDirectory(_out);
        var e = Assert.Throws<ModelPackageException>(() => PackageFragment.Read(_out));
        Assert.Contains("fragment.json", e.Message);
        Assert.Contains("manifest.json", e.Message);
    }

    [Theory]
    [InlineData("../outside.onnx")]
    [InlineData("/etc/passwd")]
    [InlineData("sub/../../outside.onnx")]
    public void A_fragment_graph_outside_its_folder_is_refused(string file)
    {
        // A real graph sits beside the fragment folder, so only the path check can refuse "../outside.onnx".
        string fragment = Path.Combine(_out, "fragment");
        var (combiner, transformer) = new TinyModel(3).WriteGraphs(fragment);
        File.Copy(combiner, Path.Combine(_out, "outside.onnx"));
        new PackageFragment
        {
            Codebooks = TinyModel.Q, CodebookSize = TinyModel.V, SemanticVocabulary = TinyModel.K, MaskTokenId = TinyModel.V,
            Graphs = { [GraphNames.Combiner] = file, [GraphNames.Transformer] = Path.GetFileName(transformer) },
        }.Write(fragment);

        var e = Assert.Throws<ModelPackageException>(() => PackageAssembler.Assemble([fragment], Path.Combine(_out, "package")));
        Assert.Equal(Path.Combine(fragment, PackageFragment.FileName), e.File);
        Assert.Equal("graphs.combiner", e.Field);
        Assert.Equal("a relative path inside the fragment folder", e.Expected);
        Assert.Equal($"\"{file}\"", e.Found);
        Assert.False(Directory.Exists(Path.Combine(_out, "package")));
    }

    [Fact]
    public void A_package_folder_whose_hashes_are_wrong_is_refused_not_rehashed()
    {
        string package = new TinyModel(4).WritePackage(Path.Combine(_out, "source"));
        string manifestPath = Path.Combine(package, ModelManifest.FileName);
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        manifest["graphs"]!["transformer"]!["sha256"] = new string('0', 64);
        File.WriteAllText(manifestPath, manifest.ToJsonString());

        var e = Assert.Throws<ModelPackageException>(() => PackageAssembler.Assemble([package], Path.Combine(_out, "repacked")));
        Assert.Equal(Path.Combine(package, "transformer.onnx"), e.File);
        Assert.Equal("graphs.transformer.sha256", e.Field);
        Assert.Equal(new string('0', 64), e.Expected);
        Assert.Contains("changed or damaged", e.Found);
        Assert.False(Directory.Exists(Path.Combine(_out, "repacked")));
    }
}
