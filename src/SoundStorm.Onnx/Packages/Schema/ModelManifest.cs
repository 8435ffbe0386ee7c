
#if PACKAGE_WRITER
namespace SoundStorm.Export.Packaging;
#else
namespace SoundStorm.Onnx.Packages;
#endif

/// <summary>The contents of a package's <c>manifest.json</c>.</summary>
sealed partial class ModelManifest
{
    /// <summary>The manifest format this library reads and writes.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>The file name of the manifest in a package.</summary>
    public const string FileName = "manifest.json";

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        // A JSON null where the model has no null (e.g. "inputs": null) is a JSON error, not a null reference later.
        RespectNullableAnnotations = true,
    };

    /// <summary>Manifest format version (<see cref="CurrentFormatVersion"/>).</summary>
    public int FormatVersion { get; set; } = CurrentFormatVersion;

    /// <summary>Optional human-readable model name.</summary>
    public string? Name { get; set; }

    /// <summary><see cref="ModelFamilies.MaskGit"/> or <see cref="ModelFamilies.SeedDiffusion"/>.</summary>
    public string ModelFamily { get; set; } = ModelFamilies.MaskGit;

    /// <summary>Audio sample rate in Hz.</summary>
    public int SampleRate { get; set; }

    /// <summary>Token frames per second.</summary>
    public double FrameRate { get; set; }

    /// <summary>Q: codebooks per frame.</summary>
    public int Codebooks { get; set; }

    /// <summary>V: codes per codebook.</summary>
    public int CodebookSize { get; set; }

    /// <summary>K: semantic vocabulary size.</summary>
    public int SemanticVocabulary { get; set; }

    /// <summary>The id written into the token grid where a token is unknown (≥ <see cref="CodebookSize"/>).</summary>
    public long MaskTokenId { get; set; }

    /// <summary>
    /// Optional: the most frames the acoustic model generates in one pass, where a learned position table fixes it
    /// (the seed family's target table); longer inputs are generated in windows of at most this size. Absent: no fixed limit.
    /// </summary>
    public int? MaxGeneratedFrames { get; set; }

    /// <summary>Optional: the most voice-prompt frames the acoustic model takes in one pass (the seed family's prompt tables). Absent: no fixed limit.</summary>
    public int? MaxPromptFrames { get; set; }

    /// <summary>
    /// Optional: code frames of context on each side that cover how far the codec graphs' convolutions reach (their
    /// receptive field, rounded up), so a chunked decode equals a one-pass decode; the codec importer counts it from the
    /// layers. Absent: a conservative default for HiFi-Codec style codecs.
    /// </summary>
    public int? CodecContextFrames { get; set; }

    /// <summary>Graphs by role (<see cref="GraphNames"/>).</summary>
    public Dictionary<string, GraphEntry> Graphs { get; set; } = [];

    /// <summary>Serialises to the JSON written as <c>manifest.json</c>.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>
    /// Checks the manifest as <see cref="ModelPackage.Load(string, bool, CancellationToken)"/> does before it opens any
    /// graph (numbers, graph roles and the family's graph contract), so a package writer refuses what a reader would.
    /// </summary>
    /// <exception cref="ModelPackageException">A field is missing or out of range; the message names field, expected and found.</exception>
    public void Validate() => ManifestValidator.Validate(this);

    /// <summary>Parses <c>manifest.json</c> text (no validation beyond JSON syntax and types).</summary>
    /// <exception cref="JsonException">The text is not a valid manifest document.</exception>
    public static ModelManifest FromJson(string json) =>
        JsonSerializer.Deserialize<ModelManifest>(json, JsonOptions) ?? throw new JsonException("The manifest is the JSON literal null.");
}
