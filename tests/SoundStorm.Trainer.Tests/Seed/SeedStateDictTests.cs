using SoundStorm.Trainer.Seed;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.Seed;

/// <summary>The network's state-dict names, shapes and dtypes equal the seed checkpoint's (keys*.txt).</summary>
public sealed class SeedStateDictTests
{
    private static List<string> Expected(string keysFile) =>
        File.ReadLines(TestPaths.SeedFile(keysFile))
            .Where(l => l.StartsWith(SeedDiffusionTransformer.CheckpointPrefix, StringComparison.Ordinal))
            .Select(l => l[SeedDiffusionTransformer.CheckpointPrefix.Length..])
            .OrderBy(l => l, StringComparer.Ordinal).ToList();

    private static List<string> Actual(SeedDiffusionTransformer model) =>
        model.state_dict().Select(kv => $"{kv.Key}\t[{string.Join(", ", kv.Value.shape)}]\t{Dtype(kv.Value.dtype)}")
            .OrderBy(l => l, StringComparer.Ordinal).ToList();

    private static string Dtype(ScalarType t) => t switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.Int64 => "int64",
        _ => t.ToString(),
    };

    [ReferenceFact]
    public void Reference_tiny_config_matches_keys_txt()
    {
        using var model = new SeedDiffusionTransformer(SeedModelConfig.ReferenceTiny);
        Assert.Equal(Expected("keys.txt"), Actual(model));
    }

    [ReferenceFact]
    public void Default_config_matches_the_shipped_LibriTTS_model_keys()
    {
        using var model = new SeedDiffusionTransformer(new SeedModelConfig());
        Assert.Equal(Expected("keys_default.txt"), Actual(model));
    }

    [Fact]
    public void Shapes_for_random_weights_equal_the_networks_state_dict()
    {
        var config = new SeedModelConfig { Dim = 24, Layers = 3, Heads = 2, Codebooks = 3, CodebookSize = 40, SemanticVocab = 30, MlpHiddenTimes = 2, MaxFrames = 90, TimestepRows = 110 };
        using var model = new SeedDiffusionTransformer(config);
        var actual = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        var shapes = SeedStateDict.Shapes(config).ToList();
        Assert.Equal(SeedStateDict.ExpectedNames(config), shapes.Select(s => s.Name));
        foreach (var (name, shape) in shapes) Assert.True(actual[name].SequenceEqual(shape), $"{name}: network [{string.Join(", ", actual[name])}], shapes [{string.Join(", ", shape)}]");
    }
}
