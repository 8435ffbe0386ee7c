using SoundStorm.Export.Checkpoints;
using SoundStorm.Export.Semantic;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Import;

/// <summary>
/// Reads HuBERT weights from a torchaudio state dict (.pth), a Hugging Face <c>HubertModel</c> (model.safetensors or
/// pytorch_model.bin) or a fairseq checkpoint (the tensors under <c>model</c>), renamed to torchaudio's names with the
/// positional weight norm folded. A fairseq checkpoint's <c>cfg</c>/<c>args</c> object graph names classes (omegaconf,
/// argparse, fairseq enums) that <see cref="TorchLoadOptions.TrainingCheckpoint"/>, the allow-list of every importer,
/// loads as opaque data — never imported or run — and whose plain settings, where readable, provide the config hints.
/// </summary>
internal static class HubertCheckpointReader
{
    internal static (WeightSet Weights, HubertNaming Naming, HubertConfigHints? Embedded) Read(string path)
    {
        WeightSet raw;
        HubertConfigHints? embedded = null;
        if (IsSafeTensors(path))
        {
            raw = WeightSetLoader.FromSafeTensors(path);
        }
        else
        {
            var root = TorchCheckpoint.Load(path, TorchLoadOptions.TrainingCheckpoint) as CheckpointDict
                ?? throw new CheckpointFormatException($"{path}: expected a state dict or a fairseq checkpoint dictionary at the top level.");
            var stateDict = root;
            if (root.TryGetValue("model", out var model) && model is CheckpointDict modelDict)
            {
                stateDict = modelDict; // fairseq: {"args"/"cfg": settings, "model": state dict, ...}
                embedded = FairseqHints(root, path);
            }
            var tensors = StateDictFlattener.Flatten(stateDict, path);
            raw = WeightSetLoader.FromCheckpoint(tensors, path);
        }
        var naming = HubertStateDict.DetectNaming(raw.Names.Select(n => n.StartsWith("hubert.", StringComparison.Ordinal) || n.StartsWith("wav2vec2.", StringComparison.Ordinal) ? n[(n.IndexOf('.') + 1)..] : n), path);
        return (HubertStateDict.Normalize(raw, naming), naming, embedded);
    }

    private static bool IsSafeTensors(string path)
    {
        if (path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)) return true;
        using var stream = File.OpenRead(path);
        Span<byte> head = stackalloc byte[9];
        return stream.Read(head) == 9 && head[8] == (byte)'{' && BitConverter.ToUInt64(head[..8]) < (ulong)stream.Length;
    }

    /// <summary>fairseq keeps the model settings in <c>cfg["model"]</c> (a plain dict) or in an <c>argparse.Namespace</c> under <c>args</c>.</summary>
    private static HubertConfigHints? FairseqHints(CheckpointDict root, string path)
    {
        foreach (var candidate in new[] { Get(Get(root, "cfg"), "model"), Get(root, "args") })
        {
            var settings = AsSettings(candidate);
            if (settings is null || !(settings.ContainsKey("encoder_attention_heads") || settings.ContainsKey("conv_feature_layers"))) continue;
            return HubertConfigHints.FromSettings(settings, path + " (embedded fairseq settings)");
        }
        return null;
    }

    private static object? Get(object? container, string key) => AsDict(container) is { } d && d.TryGetValue(key, out var v) ? v : null;

    /// <summary>A dict, or an opaque object whose state (or omegaconf <c>_content</c>) is one.</summary>
    private static CheckpointDict? AsDict(object? value) => value switch
    {
        CheckpointDict d when d.TryGetValue("_content", out var content) && content is CheckpointDict inner => inner,
        CheckpointDict d => d,
        CheckpointObject { State: { } state } => AsDict(state),
        _ => null,
    };

    private static Dictionary<string, object?>? AsSettings(object? value)
    {
        if (AsDict(value) is not { } dict) return null;
        var settings = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, v) in dict)
            if (key is string name) settings[name] = Plain(v);
        return settings;
    }

    /// <summary>Unwraps omegaconf value nodes (their state keeps the value under <c>_val</c>) and enums (value as argument).</summary>
    private static object? Plain(object? value) => value switch
    {
        CheckpointObject { State: CheckpointDict s } when s.TryGetValue("_val", out var v) => Plain(v),
        CheckpointObject { Arguments: [var only] } => Plain(only),
        CheckpointObject { State: CheckpointTuple { Count: 2 } t } when t[1] is CheckpointDict s && s.TryGetValue("_value_", out var v) => Plain(v),
        CheckpointTuple t => t.Select(Plain).ToList(),
        _ => value,
    };
}
