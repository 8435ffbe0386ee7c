using System.IO.Compression;
using System.Text.Json.Nodes;

namespace SoundStorm.Onnx.Tests.Hardening;

/// <summary>
/// Hostile model packages: zip entries that climb out of the extraction folder (zip slip), overlapping-entry zip bombs,
/// entries the manifest does not name (never unpacked), entries that inflate past a sane ratio or their declared size,
/// manifest paths that leave the package, graph files whose SHA-256 does not match, and JSON nulls where the manifest
/// has none.
/// </summary>
public sealed class PackageSecurityTests : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDirectory();
    private readonly string _temp; // where zips are unpacked: it must be empty again after every refusal

    public PackageSecurityTests()
    {
        _temp = Path.Combine(_dir, "temp");
        Directory.CreateDirectory(_temp);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteZip(byte[] bytes)
    {
        string path = Path.Combine(_dir, $"{Guid.NewGuid():N}.zip");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private string ManifestWith(Action<JsonNode> edit)
    {
        string folder = new TinyModel(7).WritePackage(Path.Combine(_dir, Guid.NewGuid().ToString("N")));
        string path = Path.Combine(folder, ModelManifest.FileName);
        var node = JsonNode.Parse(File.ReadAllText(path))!;
        edit(node);
        File.WriteAllText(path, node.ToJsonString());
        return folder;
    }

    [Theory]
    [InlineData("../../escaped.txt")]
    [InlineData("/tmp/escaped.txt")]
    [InlineData("..\\..\\escaped.txt")]
    [InlineData("graphs/../../../escaped.txt")]
    public void Zip_entry_that_leaves_the_extraction_folder_is_refused(string name)
    {
        string zip = WriteZip(RawZip.Build(new(ModelManifest.FileName, "{}"u8.ToArray()), new(name, "x"u8.ToArray())));
        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(zip, verifyGraphs: false));
        Assert.Equal($"zip entry '{name}'", e.Field);
        Assert.False(File.Exists("/tmp/escaped.txt"));
    }

    [Fact]
    public void Zip_entries_sharing_one_block_of_data_are_refused_before_unpacking()
    {
        // An overlapping-entry zip bomb: a few hundred bytes of deflated zeros listed under 200 names.
        byte[] block = new byte[1 << 20];
        var entries = new List<RawZip.Entry> { new(ModelManifest.FileName, "{}"u8.ToArray()), new("z0.bin", block, Deflate: true) };
        entries.AddRange(Enumerable.Range(1, 199).Select(i => new RawZip.Entry($"z{i}.bin", block, Deflate: true, SharesDataOf: "z0.bin")));
        string zip = WriteZip(RawZip.Build([.. entries]));
        string target = Path.Combine(_dir, "unpacked");
        Directory.CreateDirectory(target);

        var e = Assert.Throws<ModelPackageException>(() => ZipPackageExtractor.Extract(zip, target));
        Assert.Equal("(zip entries)", e.Field);
        Assert.Contains("entries overlap", e.Found);
        Assert.Empty(Directory.GetFileSystemEntries(target));
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("..\\outside.onnx")]
    [InlineData("sub/../../outside.onnx")]
    [InlineData("combiner.onnx\u0000.txt")]
    public void Manifest_path_outside_the_package_is_refused(string file)
    {
        string folder = ManifestWith(m => m["graphs"]!["combiner"]!["file"] = file);
        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(folder, verifyGraphs: false));
        Assert.Equal("graphs.combiner.file", e.Field);
        Assert.Equal("a relative path inside the package", e.Expected);
    }

    [Fact]
    public void Graph_changed_inside_a_zip_fails_its_checksum()
    {
        string zip = new TinyModel(8).WritePackage(Path.Combine(_dir, "z"), zip: true);
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Update))
        {
            var entry = archive.Entries.Single(x => x.Name == "transformer.onnx");
            using var stream = entry.Open();
            stream.Seek(0, SeekOrigin.End);
            stream.WriteByte(0); // still a valid protobuf: only the hash can tell
        }

        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(zip, verifyGraphs: false));
        Assert.Equal("graphs.transformer.sha256", e.Field);
        Assert.Contains("changed or damaged", e.Found);
    }

    [Theory]
    [InlineData("graphs.combiner.inputs", "null")]
    [InlineData("graphs.combiner.inputs", "[null]")]
    [InlineData("graphs.transformer.outputs", "[null]")]
    [InlineData("graphs.combiner", "null")]
    [InlineData("graphs", "null")]
    [InlineData("modelFamily", "null")]
    [InlineData("graphs.combiner.sha256", "null")]
    public void Json_null_where_the_manifest_has_none_is_a_package_error(string path, string json)
    {
        // These reached the validator as null references before the serializer respected the nullable annotations.
        string folder = ManifestWith(m =>
        {
            string[] parts = path.Split('.');
            JsonNode parent = parts[..^1].Aggregate(m, (node, part) => node[part]!);
            parent[parts[^1]] = JsonNode.Parse(json);
        });
        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(folder, verifyGraphs: false));
        Assert.Equal("manifest.json", e.File);
    }

    /// <summary>The files of a valid tiny package, by name, to rebuild as a zip with extra or changed entries.</summary>
    private Dictionary<string, byte[]> PackageFiles()
    {
        string folder = new TinyModel(11).WritePackage(Path.Combine(_dir, Guid.NewGuid().ToString("N")));
        return Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
    }

    private string WriteZip(params RawZip.Entry[] entries) => WriteZip(RawZip.Build(entries));

    private ModelPackageException UnpackFails(string zip)
    {
        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(zip, verifyGraphs: false, _temp));
        Assert.Empty(Directory.GetFileSystemEntries(_temp)); // nothing half-unpacked is left behind
        return e;
    }

    [Fact]
    public void Only_the_manifest_and_the_graphs_it_names_are_unpacked()
    {
        var files = PackageFiles();
        string zip = WriteZip([.. files.Select(f => new RawZip.Entry(f.Key, f.Value, Deflate: true)),
            new RawZip.Entry("extra/zeros.bin", new byte[1 << 20], Deflate: true), new RawZip.Entry("notes.txt", "not a graph"u8.ToArray())]);

        using (var package = ModelPackage.Load(zip, verifyGraphs: false, _temp))
        {
            var unpacked = Directory.GetFileSystemEntries(package.RootDirectory, "*", SearchOption.AllDirectories)
                .Select(p => Path.GetRelativePath(package.RootDirectory, p)).Order().ToArray();
            Assert.Equal(files.Keys.Order(), unpacked);
        }
        Assert.Empty(Directory.GetFileSystemEntries(_temp));
    }

    [Fact]
    public void Cancelling_while_a_zip_is_unpacked_stops_it_and_removes_the_partial_folder()
    {
        var files = PackageFiles();
        string zip = WriteZip([.. files.Select(f => new RawZip.Entry(f.Key, f.Value, Deflate: true))]);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => ModelPackage.Load(zip, verifyGraphs: false, _temp, cancelled.Token));
        Assert.Empty(Directory.GetFileSystemEntries(_temp));
    }

    [Fact]
    public void Graph_inside_one_top_level_folder_is_found()
    {
        var files = PackageFiles();
        string zip = WriteZip([.. files.Select(f => new RawZip.Entry("model/" + f.Key, f.Value, Deflate: true)), new RawZip.Entry("model/junk.bin", new byte[1000])]);
        using var package = ModelPackage.Load(zip, verifyGraphs: false, _temp);
        Assert.Equal(files.Keys.Order(), Directory.GetFiles(package.RootDirectory).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Graph_that_inflates_beyond_a_sane_ratio_is_refused_before_it_is_unpacked()
    {
        // 8 MiB of zeros deflate to about 8 KiB: a ratio of about 1000:1, no ONNX graph's.
        var files = PackageFiles();
        files["combiner.onnx"] = new byte[8 << 20];
        string zip = WriteZip([.. files.Select(f => new RawZip.Entry(f.Key, f.Value, Deflate: true))]);

        var e = UnpackFails(zip);
        Assert.Equal("zip entry 'combiner.onnx'", e.Field);
        Assert.Contains($"at most {ZipPackageExtractor.MaxCompressionRatio}:1", e.Expected);
        Assert.Contains("8388608 bytes from", e.Found);
    }

    [Fact]
    public void Graph_that_inflates_past_its_declared_size_is_refused()
    {
        var files = PackageFiles();
        var entries = files.Select(f => f.Key == "transformer.onnx"
            ? new RawZip.Entry(f.Key, f.Value, Deflate: true, DeclaredSize: (uint)f.Value.Length / 2)
            : new RawZip.Entry(f.Key, f.Value, Deflate: true)).ToArray();

        var e = UnpackFails(WriteZip(entries));
        Assert.Equal("zip entry 'transformer.onnx'", e.Field);
        Assert.StartsWith($"{files["transformer.onnx"].Length / 2} bytes with CRC-32", e.Expected);
        Assert.Contains("inflates past its declared size", e.Found);
    }

    [Fact]
    public void Manifest_over_the_size_limit_is_refused_before_it_is_unpacked()
    {
        byte[] manifest = new byte[ZipPackageExtractor.MaxManifestBytes + 1];
        Array.Fill(manifest, (byte)' ');
        var e = UnpackFails(WriteZip(new RawZip.Entry(ModelManifest.FileName, manifest)));
        Assert.Equal("zip entry 'manifest.json'", e.Field);
        Assert.Equal($"a manifest of at most {ZipPackageExtractor.MaxManifestBytes} bytes", e.Expected);
        Assert.Equal($"{manifest.Length} bytes", e.Found);
    }

    [Fact]
    public void Zip_without_a_manifest_names_what_is_missing()
    {
        string zip = WriteZip(new RawZip.Entry("combiner.onnx", new byte[10]), new RawZip.Entry("a/b/manifest.json", "{}"u8.ToArray()));
        var e = UnpackFails(zip);
        Assert.Equal(Path.GetFileName(zip) + "!manifest.json", e.File);
        Assert.Equal("a manifest.json at the package root or inside one top-level folder", e.Expected);
    }
}
