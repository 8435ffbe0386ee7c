using System.IO.Compression;
using System.Text.Json.Nodes;

namespace SoundStorm.Onnx.Tests.Packages;

public class ModelPackageTests
{
    private static string NewPackage(bool zip = false, bool withSkip = false) =>
        new TinyModel(1, withSkip).WritePackage(TestPaths.NewTempDirectory(), zip);

    private static void EditManifest(string folder, Action<JsonNode> edit)
    {
        string path = Path.Combine(folder, ModelManifest.FileName);
        var node = JsonNode.Parse(File.ReadAllText(path))!;
        edit(node);
        File.WriteAllText(path, node.ToJsonString());
    }

    private static ModelPackageException LoadFails(string path) =>
        Assert.Throws<ModelPackageException>(() => ModelPackage.Load(path));

    [Fact]
    public void Builder_output_loads_with_the_numbers_and_signatures_of_the_graphs()
    {
        string folder = NewPackage();
        using var package = ModelPackage.Load(folder);
        var m = package.Manifest;
        Assert.Equal((TinyModel.Q, TinyModel.V, TinyModel.K, TinyModel.V), (m.Codebooks, m.CodebookSize, m.SemanticVocabulary, m.MaskTokenId));
        Assert.Equal(ModelFamilies.MaskGit, m.ModelFamily);
        var tokens = Assert.Single(m.Graphs[GraphNames.Combiner].Inputs);
        Assert.Equal("tokens: int64[batch, frames, 3]", tokens.ToString());
        Assert.Equal(PackageHashes.Compute(package.GetGraphPath(GraphNames.Transformer)), m.Graphs[GraphNames.Transformer].Sha256);
        Assert.True(package.HasGraph(GraphNames.Combiner));
        Assert.False(package.HasGraph(GraphNames.CodecDecoder));
        Assert.Throws<KeyNotFoundException>(() => package.GetGraphPath(GraphNames.CodecDecoder));
        // The manifest file on disk round-trips through the JSON model.
        var reread = ModelManifest.FromJson(File.ReadAllText(Path.Combine(folder, ModelManifest.FileName)));
        Assert.Equal(m.ToJson(), reread.ToJson());
    }

    [Fact]
    public void Zip_loads_and_its_folder_is_removed_on_dispose()
    {
        string zip = NewPackage(zip: true);
        string root;
        using (var package = ModelPackage.Load(zip))
        {
            root = package.RootDirectory;
            Assert.True(File.Exists(package.GetGraphPath(GraphNames.Combiner)));
        }
        Assert.False(Directory.Exists(root));
    }

    [Fact]
    public void Altered_graph_file_fails_its_checksum()
    {
        string folder = NewPackage();
        File.AppendAllText(Path.Combine(folder, "transformer.onnx"), " ");
        var e = LoadFails(folder);
        Assert.Equal("transformer.onnx", e.File);
        Assert.Equal("graphs.transformer.sha256", e.Field);
        Assert.Contains("changed or damaged", e.Message);
    }

    [Fact]
    public void Missing_graph_file_is_named()
    {
        string folder = NewPackage();
        File.Delete(Path.Combine(folder, "combiner.onnx"));
        var e = LoadFails(folder);
        Assert.Equal("combiner.onnx", e.File);
        Assert.Equal("no such file", e.Found);
    }

    [Fact]
    public void Missing_manifest_and_missing_required_graph_are_named()
    {
        string folder = NewPackage();
        EditManifest(folder, m => m["graphs"]!.AsObject().Remove("transformer"));
        Assert.Equal("graphs.transformer", LoadFails(folder).Field);
        File.Delete(Path.Combine(folder, ModelManifest.FileName));
        Assert.Equal("manifest.json", LoadFails(folder).File);
        Assert.Equal("nothing at that path", LoadFails(Path.Combine(folder, "nope")).Found);
    }

    [Theory]
    [InlineData("formatVersion", 2, "formatVersion", "1")]
    [InlineData("modelFamily", "autoregressive", "modelFamily", "\"maskgit\" or \"seed-diffusion\"")]
    [InlineData("codebooks", 0, "codebooks", "a positive integer")]
    [InlineData("maskTokenId", 5, "maskTokenId", "an id ≥ codebookSize (13) so it cannot be mistaken for a code")]
    [InlineData("frameRate", -50, "frameRate", "a positive number")]
    public void Bad_manifest_numbers_are_named(string field, object value, string expectedField, string expected)
    {
        string folder = NewPackage();
        EditManifest(folder, m => m[field] = JsonValue.Create(value));
        var e = LoadFails(folder);
        Assert.Equal(expectedField, e.Field);
        Assert.Equal(expected, e.Expected);
    }

    [Fact]
    public void Codebook_count_that_disagrees_with_the_graphs_is_refused()
    {
        string folder = NewPackage();
        EditManifest(folder, m => m["codebooks"] = 4);
        var e = LoadFails(folder);
        Assert.Equal("graphs.combiner.tokens.shape[2]", e.Field);
        Assert.Equal("4 (codebooks)", e.Expected);
    }

    [Fact]
    public void Codebook_size_that_disagrees_with_the_logits_is_refused()
    {
        string folder = NewPackage();
        EditManifest(folder, m => { m["codebookSize"] = 12; m["maskTokenId"] = 12; });
        Assert.Equal("graphs.transformer.logits.shape[2]", LoadFails(folder).Field);
    }

    [Fact]
    public void Manifest_signature_that_differs_from_the_graph_file_is_refused()
    {
        string folder = NewPackage();
        // A contract input under another name: the contract check names the missing input.
        EditManifest(folder, m => m["graphs"]!["transformer"]!["inputs"]!.AsArray().Single(i => (string)i!["name"]! == "semantic")!["name"] = "semantic_tokens");
        var e = LoadFails(folder);
        Assert.Equal("graphs.transformer.inputs", e.Field);
        Assert.Equal("an entry named 'semantic'", e.Expected);

        // A consistent manifest that renames the skip tensor: only the graph files can tell.
        folder = NewPackage(withSkip: true);
        EditManifest(folder, m =>
        {
            m["graphs"]!["combiner"]!["outputs"]!.AsArray().Single(o => (string)o!["name"]! == "skip")!["name"] = "skip2";
            m["graphs"]!["transformer"]!["inputs"]!.AsArray().Single(o => (string)o!["name"]! == "skip")!["name"] = "skip2";
        });
        e = LoadFails(folder);
        Assert.Equal("combiner.onnx", e.File);
        Assert.Equal("graphs.combiner.outputs", e.Field);
        Assert.Equal("(embeddings, skip) in the graph", e.Found);

        folder = NewPackage();
        EditManifest(folder, m =>
        {
            m["graphs"]!["transformer"]!["inputs"]!.AsArray().Single(i => (string)i!["name"]! == "semantic")!["shape"] = new JsonArray("batch", "frames");
            m["graphs"]!["transformer"]!["outputs"]![0]!["shape"] = new JsonArray("batch", "time", 13);
        });
        e = LoadFails(folder);
        Assert.Equal("graphs.transformer.logits.shape", e.Field);
        Assert.Contains("'batch', 'frames'", e.Expected);
    }

    [Fact]
    public void Declared_element_type_is_checked_against_the_graph_file()
    {
        string folder = NewPackage(withSkip: true);
        // The skip tensor is free in the contract, so only the graph file can say its declared type is wrong.
        EditManifest(folder, m =>
        {
            m["graphs"]!["combiner"]!["outputs"]!.AsArray().Single(o => (string)o!["name"]! == "skip")!["elementType"] = "float16";
            m["graphs"]!["transformer"]!["inputs"]!.AsArray().Single(o => (string)o!["name"]! == "skip")!["elementType"] = "float16";
        });
        var e = LoadFails(folder);
        Assert.Equal("combiner.onnx", e.File);
        Assert.Equal("graphs.combiner.outputs.skip.elementType", e.Field);
        Assert.Equal("float in the graph", e.Found);
    }

    [Fact]
    public void Graph_path_escaping_the_package_is_refused()
    {
        string folder = NewPackage();
        EditManifest(folder, m => m["graphs"]!["combiner"]!["file"] = "../outside.onnx");
        Assert.Equal("graphs.combiner.file", LoadFails(folder).Field);
    }

    [Fact]
    public void Corrupt_zip_is_refused()
    {
        string zip = NewPackage(zip: true);
        var bytes = File.ReadAllBytes(zip);
        for (int i = 100; i < 400; i++) bytes[i] ^= 0x5A;
        File.WriteAllBytes(zip, bytes);
        var e = LoadFails(zip);
        Assert.Equal("package.zip", e.File);

        string notZip = Path.Combine(TestPaths.NewTempDirectory(), "model.zip");
        File.WriteAllText(notZip, "definitely not a zip");
        Assert.Equal("(zip)", LoadFails(notZip).Field);
    }

    [Fact]
    public void Zip_entry_escaping_the_target_is_refused()
    {
        string zip = Path.Combine(TestPaths.NewTempDirectory(), "evil.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            using var writer = new StreamWriter(archive.CreateEntry("../../escaped.txt").Open());
            writer.Write("x");
        }
        var e = LoadFails(zip);
        Assert.Equal("zip entry '../../escaped.txt'", e.Field);
    }

    [Fact]
    public void Zip_size_cap_counts_real_bytes()
    {
        string zip = new TinyModel(5).WritePackage(TestPaths.NewTempDirectory(), zip: true);
        string target = TestPaths.NewTempDirectory();
        var e = Assert.Throws<ModelPackageException>(() => ZipPackageExtractor.Extract(zip, target, maxTotalBytes: 1000));
        Assert.Equal("(zip size)", e.Field);
    }

    [Fact]
    public void Unknown_graph_role_is_refused_by_builder_and_loader()
    {
        Assert.Throws<ArgumentException>(() => new ModelPackageBuilder(TinyModel.Numbers).AddGraph("vocoder", "x.onnx"));
        string folder = NewPackage();
        EditManifest(folder, m => m["graphs"]!["vocoder"] = JsonNode.Parse(m["graphs"]!["combiner"]!.ToJsonString()));
        Assert.Equal("graphs.vocoder", LoadFails(folder).Field);
    }

    [Fact]
    public void Invalid_json_names_the_manifest()
    {
        string folder = NewPackage();
        File.WriteAllText(Path.Combine(folder, ModelManifest.FileName), "{ \"codebooks\": \"three\" }");
        var e = LoadFails(folder);
        Assert.Equal("manifest.json", e.File);
        Assert.Equal("$.codebooks", e.Field);
    }
}
