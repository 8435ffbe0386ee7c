using System.Globalization;
using SoundStorm.Export.Checkpoints;
using SoundStorm.Export.Codec;
using SoundStorm.Trainer.Training;

namespace SoundStorm.Trainer.Checkpoints;

/// <summary>
/// The file side shared by every soundstorm-train checkpoint: one safetensors file whose metadata carries
/// <c>soundstorm.format</c> plus the kind's own keys; tensors are grouped by name prefix.
/// </summary>
internal static class CheckpointStore
{
    /// <summary>Where every kind keeps its trained weights and its AdamW moments.</summary>
    public const string ModelPrefix = "model.", AdamPrefix = "adam.";

    /// <summary>Writes the file (creating its folder; the safetensors writer replaces the file atomically).</summary>
    public static void Write(string path, IEnumerable<CheckpointTensor> tensors, string format, IReadOnlyDictionary<string, string> metadata)
    {
        var all = new Dictionary<string, string>(metadata) { ["soundstorm.format"] = format };
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        SafeTensorsFile.Write(path, tensors, all);
    }

    /// <summary>
    /// The metadata every kind of training run writes — its options, step, AdamW step count and loss history — for the
    /// caller to add its own keys to.
    /// </summary>
    public static Dictionary<string, string> RunMetadata<TOptions, TRecord>(TOptions options, int step, AdamW adam, IReadOnlyList<TRecord> history) => new()
    {
        ["soundstorm.training"] = ModelConfigJson.Write(options),
        ["soundstorm.step"] = step.ToString(CultureInfo.InvariantCulture),
        ["soundstorm.adam_steps"] = adam.Steps.ToString(CultureInfo.InvariantCulture),
        ["soundstorm.history"] = ModelConfigJson.Write(history),
    };

    /// <summary>
    /// The fields <see cref="RunMetadata"/> wrote, read back with the file's tensors by name; a missing key names the
    /// file (through <paramref name="meta"/>), a malformed one is left to <see cref="ReadMetadata"/>.
    /// </summary>
    public static (int Step, long AdamSteps, Dictionary<string, CheckpointTensor> Tensors, List<TRecord> History) ReadRun<TRecord>(
        SafeTensorsContent content, Func<string, string> meta, string path) =>
        (int.Parse(meta("soundstorm.step"), CultureInfo.InvariantCulture),
            long.Parse(meta("soundstorm.adam_steps"), CultureInfo.InvariantCulture),
            content.Tensors.ToDictionary(t => t.Name, StringComparer.Ordinal),
            ModelConfigJson.Read<List<TRecord>>(meta("soundstorm.history"), path));

    /// <summary>
    /// Runs <paramref name="read"/> over a checkpoint's metadata and turns a malformed value (a number that does not
    /// parse, JSON of the wrong shape, an option or config out of range) into a <see cref="CheckpointFormatException"/>
    /// naming the file.
    /// </summary>
    public static T ReadMetadata<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is FormatException or OverflowException or InvalidDataException or ArgumentException or HifiCodecConfigException)
        {
            throw new CheckpointFormatException($"{path}: malformed metadata ({e.Message}).", e);
        }
    }

    /// <summary>AdamW's moment tensors, named <paramref name="prefix"/> + their state name.</summary>
    public static IEnumerable<CheckpointTensor> AdamTensors(AdamW adam, string prefix) =>
        adam.State.Select(s => StateDicts.ToCheckpointTensor(prefix + s.Name, s.Value));

    /// <summary>
    /// Restores AdamW's moments and step count saved by <see cref="AdamTensors"/>; a missing or misshapen tensor names
    /// <paramref name="source"/> and the tensor under its stored <paramref name="prefix"/>.
    /// </summary>
    public static void LoadState(this AdamW adam, IReadOnlyDictionary<string, CheckpointTensor> stored, long steps, string source, string prefix = "adam.")
    {
        foreach (var (name, value) in adam.State)
        {
            if (!stored.TryGetValue(name, out var tensor))
                throw new CheckpointFormatException($"{source}: optimizer tensor '{prefix}{name}' is missing.");
            StateDicts.CopyInto(value, tensor, source);
        }
        adam.Steps = steps;
    }

    /// <summary>The file's <c>soundstorm.format</c> (read from the header only), or null when it has none or does not exist.</summary>
    public static string? FormatOf(string path) =>
        File.Exists(path) && SafeTensorsFile.ReadMetadata(path).TryGetValue("soundstorm.format", out var format) ? format : null;

    /// <summary>
    /// Reads the file and checks its format; the returned lookup throws a <see cref="CheckpointFormatException"/>
    /// naming the file and key when a metadata entry is missing.
    /// </summary>
    public static (SafeTensorsContent Content, Func<string, string> Meta) Open(string path, string format, string kind)
    {
        if (!File.Exists(path)) throw new CheckpointFormatException($"{path}: checkpoint file not found.");
        var content = SafeTensorsFile.Read(path);
        string Meta(string key) => content.Metadata.TryGetValue(key, out var v) ? v
            : throw new CheckpointFormatException($"{path}: metadata '{key}' is missing; not a {kind} ({format}).");
        if (Meta("soundstorm.format") != format)
            throw new CheckpointFormatException($"{path}: format '{Meta("soundstorm.format")}', expected '{format}'.");
        return (content, Meta);
    }

    /// <summary>The tensors under <paramref name="prefix"/>, with the prefix removed from their names.</summary>
    public static IReadOnlyDictionary<string, CheckpointTensor> Under(IReadOnlyDictionary<string, CheckpointTensor> tensors, string prefix) =>
        tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value.WithName(kv.Key[prefix.Length..]), StringComparer.Ordinal);
}
