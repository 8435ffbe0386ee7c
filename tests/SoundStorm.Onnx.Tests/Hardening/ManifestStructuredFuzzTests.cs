namespace SoundStorm.Onnx.Tests.Hardening;

/// <summary>
/// Package manifests mutated as JSON (still valid JSON, so the serializer and the validator see every mutant): nulls,
/// wrong types, huge and negative numbers, paths out of the package, deep nesting, dropped and duplicated properties.
/// </summary>
public sealed class ManifestStructuredFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Manifest_mutated_as_json_only_loads_or_refuses()
    {
        string folder = new TinyModel(43, withSkip: true).WritePackage(Path.Combine(_dir, "p"));
        string manifestPath = Path.Combine(folder, ModelManifest.FileName);
        byte[] manifest = File.ReadAllBytes(manifestPath);
        // Structural mutation needs JSON to start from: corpus entries that are not (AFL finds) are left to the byte-level test.
        var seeds = MutationFuzzer.Corpus("manifest").Where(IsJson).Prepend(manifest).ToList();
        var report = MutationFuzzer.Run("package manifest (JSON-aware)", seeds, 3000, b =>
        {
            File.WriteAllBytes(manifestPath, b);
            using var _ = ModelPackage.Load(folder, verifyGraphs: false);
        }, e => e is ModelPackageException, mutate: (s, rng) => JsonMutator.Mutate(System.Text.Encoding.UTF8.GetString(s[rng.Next(s.Count)]), rng));
        output.WriteLine(report.ToString());
    }

    private static bool IsJson(byte[] bytes)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(bytes) is not null;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    [Fact]
    public void Manifest_nested_a_million_levels_is_refused()
    {
        string folder = new TinyModel(44).WritePackage(Path.Combine(_dir, "n"));
        File.WriteAllText(Path.Combine(folder, ModelManifest.FileName), "{\"name\":" + new string('[', 1_000_000) + new string(']', 1_000_000) + "}");
        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(folder, verifyGraphs: false));
        Assert.Equal("valid manifest JSON", e.Expected);
    }
}
