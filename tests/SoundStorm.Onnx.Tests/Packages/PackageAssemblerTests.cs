using SoundStorm.Onnx.Packages;
using SoundStorm.Tests.Shared;

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
}
