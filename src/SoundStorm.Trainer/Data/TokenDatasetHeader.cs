using System.Text.Json.Serialization;

namespace SoundStorm.Trainer.Data;

/// <summary>
/// <c>dataset.json</c> of a token dataset folder. Layout (see docs/training.md):
/// <code>
/// dataset.json                 {"formatVersion":1,"codebooks":Q,"codebookSize":V,"semanticVocabulary":K,
///                               "frameRate":50,"utterances":[{"id":"a","speaker":"s1","frames":T}, …]}
/// &lt;id&gt;/semantic.npy           int64 [T]     semantic ids 0..K−1
/// &lt;id&gt;/acoustic.npy           int64 [T, Q]  codec codes 0..V−1 per level
/// </code>
/// </summary>
internal sealed record TokenDatasetHeader
{
    /// <summary>The only format version so far.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Format version (1).</summary>
    [JsonPropertyName("formatVersion")] public int FormatVersion { get; init; } = CurrentVersion;

    /// <summary>Q, codec levels per frame.</summary>
    [JsonPropertyName("codebooks")] public int Codebooks { get; init; }

    /// <summary>V, codes per level.</summary>
    [JsonPropertyName("codebookSize")] public int CodebookSize { get; init; }

    /// <summary>K, semantic vocabulary.</summary>
    [JsonPropertyName("semanticVocabulary")] public int SemanticVocabulary { get; init; }

    /// <summary>Token frames per second.</summary>
    [JsonPropertyName("frameRate")] public double FrameRate { get; init; }

    /// <summary>The utterances, in a fixed order (the last ones serve as the validation split).</summary>
    [JsonPropertyName("utterances")] public List<UtteranceEntry> Utterances { get; init; } = [];
}

/// <summary>One utterance's entry in <c>dataset.json</c>.</summary>
/// <param name="Id">Folder name of the utterance (letters, digits, '-', '_', '.').</param>
/// <param name="Speaker">Speaker label (informational).</param>
/// <param name="Frames">Frame count T.</param>
internal sealed record UtteranceEntry(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("speaker")] string? Speaker,
    [property: JsonPropertyName("frames")] int Frames);
