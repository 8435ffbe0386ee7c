
#if PACKAGE_WRITER
namespace SoundStorm.Export.Packaging;
#else
namespace SoundStorm.Onnx.Packages;
#endif

/// <summary>
/// What one importer or exporter knows about its part of a model package (<c>fragment.json</c> beside its graphs):
/// the numbers it fixes and the graph files it wrote, by role. the exporter's package assembler merges fragments into a
/// package and refuses ones that disagree.
/// </summary>
sealed partial class PackageFragment
{
    /// <summary>The file name importers write.</summary>
    public const string FileName = "fragment.json";

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Model family of an acoustic part (<see cref="ModelFamilies"/>).</summary>
    public string? ModelFamily { get; set; }

    /// <summary>Audio sample rate (codec and semantic parts).</summary>
    public int? SampleRate { get; set; }

    /// <summary>Token frames per second.</summary>
    public double? FrameRate { get; set; }

    /// <summary>Codebooks Q.</summary>
    public int? Codebooks { get; set; }

    /// <summary>Codebook size V.</summary>
    public int? CodebookSize { get; set; }

    /// <summary>Semantic vocabulary K.</summary>
    public int? SemanticVocabulary { get; set; }

    /// <summary>Mask token id of the acoustic model.</summary>
    public long? MaskTokenId { get; set; }

    /// <summary>Most frames generated in one pass, where a position table fixes it (<see cref="ModelManifest.MaxGeneratedFrames"/>).</summary>
    public int? MaxGeneratedFrames { get; set; }

    /// <summary>Most prompt frames in one pass (<see cref="ModelManifest.MaxPromptFrames"/>).</summary>
    public int? MaxPromptFrames { get; set; }

    /// <summary>Codec context frames that make chunked decoding exact (<see cref="ModelManifest.CodecContextFrames"/>).</summary>
    public int? CodecContextFrames { get; set; }

    /// <summary>Graph files by role (<see cref="GraphNames"/>), relative to the fragment's folder.</summary>
    public Dictionary<string, string> Graphs { get; set; } = [];

    /// <summary>
    /// Optional: fused alternatives of graphs by role (<see cref="GraphEntry.Fused"/>), relative to the fragment's
    /// folder; each role must also be in <see cref="Graphs"/>. Null: none.
    /// </summary>
    public Dictionary<string, string>? Fused { get; set; }

    /// <summary>For a package folder read as a fragment: its manifest's graph entries, whose SHA-256 values the graph files must match.</summary>
    private Dictionary<string, GraphEntry>? _packageGraphs;

    /// <summary>
    /// The full path of the <paramref name="role"/> graph in <paramref name="folder"/> (the folder this fragment was read
    /// from), checked: the path may not leave the folder, the file must exist, and in a package folder it must match
    /// the manifest's SHA-256 — a package is never re-hashed into a valid one.
    /// </summary>
    /// <exception cref="ModelPackageException">The fragment has no such graph, its path leaves the folder, the file is missing, or its hash is wrong.</exception>
    public string GraphPath(string folder, string role)
    {
        string source = Path.Combine(folder, _packageGraphs is null ? FileName : ModelManifest.FileName);
        string file = Graphs.TryGetValue(role, out var f) ? f
            : throw new ModelPackageException(source, $"graphs.{role}", $"a '{role}' graph", "no such entry");
        var entry = _packageGraphs?.GetValueOrDefault(role);
        return CheckedPath(folder, source, $"graphs.{role}", file, entry?.Sha256, role);
    }

    /// <summary>
    /// The full path of the fused alternative of the <paramref name="role"/> graph, checked as <see cref="GraphPath"/>
    /// checks the graph; null when the fragment has none.
    /// </summary>
    /// <exception cref="ModelPackageException">The path leaves the folder, the file is missing, or its hash is wrong.</exception>
    public string? FusedGraphPath(string folder, string role)
    {
        if (Fused is null || !Fused.TryGetValue(role, out var file)) return null;
        string source = Path.Combine(folder, _packageGraphs is null ? FileName : ModelManifest.FileName);
        if (!Graphs.ContainsKey(role))
            throw new ModelPackageException(source, $"fused.{role}", $"a '{role}' entry in graphs for the fused file to stand in for", "none");
        var entry = _packageGraphs?.GetValueOrDefault(role)?.Fused;
        return CheckedPath(folder, source, _packageGraphs is null ? $"fused.{role}" : $"graphs.{role}.fused", file, entry?.Sha256, role + ".fused");
    }

    private string CheckedPath(string folder, string source, string field, string file, string? sha256, string name)
    {
        string path = PackagePaths.Resolve(folder, file)
            ?? throw new ModelPackageException(source, field, "a relative path inside the fragment folder", $"\"{file}\"");
        if (!File.Exists(path)) throw new ModelPackageException(path, field, "the graph file to exist", "no such file");
        if (_packageGraphs is not null) PackageHashes.Verify(path, name, sha256, label: null);
        return path;
    }

    /// <summary>Writes the fragment into <paramref name="folder"/>.</summary>
    public void Write(string folder) => File.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, Options));

    /// <summary>
    /// Reads <c>fragment.json</c> from <paramref name="folder"/>; a package folder (with <c>manifest.json</c>, such as
    /// an acoustic model exported by the trainer) serves as a fragment too: its numbers and graph files.
    /// </summary>
    /// <exception cref="ModelPackageException">The file is missing or not a fragment.</exception>
    public static PackageFragment Read(string folder)
    {
        string path = Path.Combine(folder, FileName);
        string manifestPath = Path.Combine(folder, ModelManifest.FileName);
        if (!File.Exists(path) && File.Exists(manifestPath)) return FromManifest(manifestPath);
        if (!File.Exists(path)) throw new ModelPackageException(path, "file", $"a {FileName} written by an importer (or a package's {ModelManifest.FileName})", "no such file");
        try
        {
            return JsonSerializer.Deserialize<PackageFragment>(File.ReadAllText(path), Options)
                ?? throw new ModelPackageException(path, "(root)", "a JSON object", "null");
        }
        catch (JsonException e)
        {
            throw new ModelPackageException(path, e.Path ?? "(root)", "valid fragment JSON", e.Message);
        }
    }

    private static PackageFragment FromManifest(string manifestPath)
    {
        ModelManifest m;
        try { m = ModelManifest.FromJson(File.ReadAllText(manifestPath)); }
        catch (JsonException e) { throw new ModelPackageException(manifestPath, e.Path ?? "(root)", "valid manifest JSON", e.Message); }
        var fragment = new PackageFragment
        {
            ModelFamily = m.ModelFamily, SampleRate = m.SampleRate, FrameRate = m.FrameRate, Codebooks = m.Codebooks,
            CodebookSize = m.CodebookSize, SemanticVocabulary = m.SemanticVocabulary, MaskTokenId = m.MaskTokenId,
            MaxGeneratedFrames = m.MaxGeneratedFrames, MaxPromptFrames = m.MaxPromptFrames, CodecContextFrames = m.CodecContextFrames,
            _packageGraphs = m.Graphs ?? [],
        };
        foreach (var (role, entry) in m.Graphs ?? [])
        {
            fragment.Graphs[role] = entry.File;
            if (entry.Fused is { } fused) (fragment.Fused ??= [])[role] = fused.File;
        }
        return fragment;
    }
}
