using System.Text.RegularExpressions;
using SoundStorm.Export.Acoustic;
using SoundStorm.Export.Checkpoints;
using SoundStorm.Export.Weights;
using SoundStorm.Export.Packaging;

namespace SoundStorm.Export.Import;

/// <summary>Which weights of a seed training checkpoint to import.</summary>
public enum SeedWeights
{
    /// <summary>The trained model (<c>model</c>, what upstream inference loads).</summary>
    Model,
    /// <summary>The exponential moving average copy (<c>ema</c>).</summary>
    Ema,
}

/// <summary>
/// Imports yangdongchao/SoundStorm s2 checkpoints (<c>Solver.save()</c> layout or a bare DALLE state dict): reads the
/// PyTorch file as data, maps its tensors onto the seed graphs' names, and writes the combiner and transformer
/// graphs. Unknown or missing tensors fail with one message listing all of them.
/// </summary>
public static partial class SeedCheckpointImporter
{
    /// <summary>Upstream head width: the released configurations use 512 wide / 8 heads.</summary>
    public const int DefaultHeadDim = 64;

    /// <summary>Reads the checkpoint into a weight set with the <c>Text2ImageTransformer</c>'s own names.</summary>
    public static WeightSet ReadWeights(string checkpointPath, SeedWeights which = SeedWeights.Model)
    {
        var root = TorchCheckpoint.Load(checkpointPath, TorchLoadOptions.TrainingCheckpoint) as CheckpointDict
            ?? throw new CheckpointFormatException($"{checkpointPath}: expected a dictionary at the top level.");
        string entry = which == SeedWeights.Model ? "model" : "ema";
        OrderedDictionary<string, CheckpointTensor> stateDict;
        string prefix;
        if (root.ContainsKey(entry))
        {
            stateDict = TorchCheckpoint.LoadStateDict(checkpointPath, entry, TorchLoadOptions.TrainingCheckpoint);
            prefix = which == SeedWeights.Model ? "transformer.transformer." : "transformer.";
        }
        else if (which == SeedWeights.Model)
        {
            stateDict = TorchCheckpoint.LoadStateDict(checkpointPath, options: TorchLoadOptions.TrainingCheckpoint); // a bare DALLE state dict
            prefix = "transformer.transformer.";
        }
        else
        {
            throw new CheckpointFormatException($"{checkpointPath}: no '{entry}' entry (found {string.Join(", ", root.Keys)}).");
        }
        if (!stateDict.Keys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal)))
            throw new CheckpointFormatException($"{checkpointPath}: no tensor starts with '{prefix}'; this is not a seed SoundStorm s2 checkpoint.");

        var weights = new WeightSet($"{checkpointPath} [{entry}]");
        foreach (var (name, tensor) in stateDict)
        {
            // Diffusion-schedule buffers sit outside the network (prefix "transformer." only); the sampler recomputes them.
            if (!name.StartsWith(prefix, StringComparison.Ordinal)) continue;
            weights.Add(name[prefix.Length..], tensor.ToFloat32(), tensor.Shape.ToArray());
        }
        return weights;
    }

    /// <summary>Head count from an upstream config (yaml or json <c>n_head</c>), else width / 64.</summary>
    public static int ReadHeads(string? configPath, int dim)
    {
        if (configPath is null) return Math.Max(1, dim / DefaultHeadDim);
        string text = File.ReadAllText(configPath);
        var match = HeadsPattern().Match(text);
        if (!match.Success) throw new CheckpointFormatException($"{configPath}: no 'n_head' value found.");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Checks names, infers the configuration and writes the graphs to <paramref name="outputDirectory"/>.</summary>
    public static SeedModelConfig Import(string checkpointPath, string outputDirectory, string? configPath = null, SeedWeights which = SeedWeights.Model)
    {
        var weights = ReadWeights(checkpointPath, which);
        int dim = (int)weights.Peek("content_emb.embs.0.weight").Shape[1];
        var config = SeedModelConfig.InferFrom(weights, ReadHeads(configPath, dim));
        CheckNames(weights, config);
        var graphs = SeedGraphs.Build(config, weights);
        weights.EnsureAllUsed();
        Directory.CreateDirectory(outputDirectory);
        var files = graphs.Save(outputDirectory);
        File.WriteAllText(Path.Combine(outputDirectory, "seed-config.json"), JsonSerializer.Serialize(config, new JsonSerializerOptions { WriteIndented = true }));
        new PackageFragment
        {
            ModelFamily = ModelFamilies.SeedDiffusion,
            Codebooks = config.Codebooks,
            CodebookSize = config.CodebookSize,
            SemanticVocabulary = config.SemanticVocab,
            MaskTokenId = config.MaskId,
            MaxGeneratedFrames = config.MaxGeneratedFrames,
            MaxPromptFrames = config.MaxPromptFrames,
            Graphs = new Dictionary<string, string>(files),
            Fused = graphs.FusedTransformer is null ? null : new() { [GraphNames.Transformer] = SeedGraphSet.FusedTransformerFile },
        }.Write(outputDirectory);
        return config;
    }

    /// <summary>Fails with every missing and every unexpected tensor name at once.</summary>
    public static void CheckNames(WeightSet weights, SeedModelConfig config)
    {
        var expected = SeedStateDict.ExpectedNames(config).ToHashSet(StringComparer.Ordinal);
        var missing = expected.Where(n => !weights.Contains(n)).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        var unexpected = weights.Names.Where(n => !expected.Contains(n) && !SeedStateDict.IsIgnorable(n)).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        foreach (var name in weights.Names.Where(SeedStateDict.IsIgnorable).ToArray()) weights.Ignore(name);
        if (WeightProblems.Describe(("missing", missing), ("unexpected", unexpected)) is not { } problems) return;
        throw new WeightMismatchException($"{weights.Source}: the tensors do not match a seed model of {config.Layers} layers × {config.Dim} ({problems}).");
    }

    [GeneratedRegex(@"[""']?n_head[""']?\s*:\s*(\d+)")]
    private static partial Regex HeadsPattern();
}
