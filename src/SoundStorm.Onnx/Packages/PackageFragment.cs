using System.Text.Json;
using System.Text.Json.Serialization;

namespace SoundStorm.Onnx.Packages;

/// <summary>
/// What one importer or exporter knows about its part of a model package (<c>fragment.json</c> beside its graphs):
/// the numbers it fixes and the graph files it wrote, by role. <see cref="PackageAssembler"/> merges fragments into a
/// package and refuses ones that disagree.
/// </summary>
public sealed class PackageFragment
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

    /// <summary>Graph files by role (<see cref="GraphNames"/>), relative to the fragment's folder.</summary>
    public Dictionary<string, string> Graphs { get; set; } = [];

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
        };
        foreach (var (role, entry) in m.Graphs ?? []) fragment.Graphs[role] = entry.File;
        return fragment;
    }
}
