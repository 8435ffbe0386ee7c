using System.Text.Json;
using System.Text.Json.Serialization;
using SoundStorm.Export.NumPy;
using SoundStorm.Trainer.Data;

namespace SoundStorm.Trainer.Text;

/// <summary>One utterance: its phones, each phone's duration in frames, and each frame's semantic unit.</summary>
internal sealed record TextUnitsUtterance(string Id, string? Speaker, long[] Phones, long[] Durations, long[] Units);

/// <summary>
/// The text-to-semantic training set that <c>scripts/corpus/text-units-dataset.py</c> writes: <c>dataset.json</c>
/// (kind "text-units", the phone symbols, the unit count, the utterances) and <c>&lt;id&gt;/phones.npy</c>,
/// <c>durations.npy</c>, <c>units.npy</c> (int64).
/// </summary>
internal sealed class TextUnitsDataset
{
    /// <summary>The header file's name.</summary>
    public const string HeaderFile = "dataset.json";

    private sealed record Header(
        [property: JsonPropertyName("formatVersion")] int FormatVersion,
        [property: JsonPropertyName("kind")] string? Kind,
        [property: JsonPropertyName("phones")] string[]? Phones,
        [property: JsonPropertyName("units")] int Units,
        [property: JsonPropertyName("utterances")] Entry[]? Utterances);

    private sealed record Entry([property: JsonPropertyName("id")] string Id, [property: JsonPropertyName("speaker")] string? Speaker);

    private TextUnitsDataset(string folder, IReadOnlyList<string> phones, int units, IReadOnlyList<TextUnitsUtterance> utterances) =>
        (Folder, Phones, Units, Utterances) = (folder, phones, units, utterances);

    /// <summary>The dataset folder.</summary>
    public string Folder { get; }

    /// <summary>Phone symbols in id order.</summary>
    public IReadOnlyList<string> Phones { get; }

    /// <summary>Semantic units K.</summary>
    public int Units { get; }

    /// <summary>The utterances, in the header's order.</summary>
    public IReadOnlyList<TextUnitsUtterance> Utterances { get; }

    /// <summary>Reads and checks a dataset folder; a malformed one is a <see cref="DatasetFormatException"/> naming the file.</summary>
    public static TextUnitsDataset Load(string folder)
    {
        string headerPath = Path.Combine(folder, HeaderFile);
        if (!File.Exists(headerPath)) throw new DatasetFormatException(headerPath, "not found (make it with scripts/corpus/text-units-dataset.py).");
        Header header;
        try
        {
            header = JsonSerializer.Deserialize<Header>(File.ReadAllText(headerPath)) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new DatasetFormatException(headerPath, $"not valid JSON ({e.Message}).");
        }
        if (header.Kind != "text-units") throw new DatasetFormatException(headerPath, $"kind is '{header.Kind}', expected 'text-units'.");
        if (header.Phones is not { Length: > 1 }) throw new DatasetFormatException(headerPath, "'phones' must list at least two symbols.");
        if (header.Units <= 1) throw new DatasetFormatException(headerPath, $"'units' is {header.Units}; expected at least 2.");
        if (header.Utterances is not { Length: > 0 }) throw new DatasetFormatException(headerPath, "'utterances' is empty.");
        var utterances = header.Utterances.Select(e => Read(folder, e, header.Phones.Length, header.Units)).ToArray();
        return new TextUnitsDataset(folder, header.Phones, header.Units, utterances);
    }

    private static TextUnitsUtterance Read(string folder, Entry entry, int phoneCount, int units)
    {
        string dir = Path.Combine(folder, entry.Id);
        long[] Load(string name, long limit)
        {
            string path = Path.Combine(dir, name);
            if (!File.Exists(path)) throw new DatasetFormatException(path, "not found.");
            var array = NpyFile.Read(path);
            long[] values = array.ToInt64();
            if (array.Shape.Count != 1) throw new DatasetFormatException(path, $"shape [{string.Join(", ", array.Shape)}], expected one dimension.");
            for (int i = 0; i < values.Length; i++)
                if (values[i] < 0 || values[i] >= limit) throw new DatasetFormatException(path, $"value {values[i]} at {i} is outside 0..{limit - 1}.");
            return values;
        }
        long[] phones = Load("phones.npy", phoneCount), durations = Load("durations.npy", long.MaxValue), unitIds = Load("units.npy", units);
        if (durations.Length != phones.Length)
            throw new DatasetFormatException(Path.Combine(dir, "durations.npy"), $"{durations.Length} durations for {phones.Length} phones.");
        if (durations.Any(d => d <= 0)) throw new DatasetFormatException(Path.Combine(dir, "durations.npy"), "every duration must be at least one frame.");
        if (durations.Sum() != unitIds.Length)
            throw new DatasetFormatException(Path.Combine(dir, "units.npy"), $"{unitIds.Length} frames, but the durations sum to {durations.Sum()}.");
        return new TextUnitsUtterance(entry.Id, entry.Speaker, phones, durations, unitIds);
    }
}
