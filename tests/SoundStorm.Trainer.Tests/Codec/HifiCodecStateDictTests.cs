using SoundStorm.Export.Codec;
using SoundStorm.Trainer.Codec;

namespace SoundStorm.Trainer.Tests.Codec;

/// <summary>The TorchSharp codec's state dict has the AcademiCodec checkpoint's names and shapes (reference keys.txt).</summary>
public sealed class HifiCodecStateDictTests
{
    private static readonly string Reference = Path.GetFullPath(Path.Combine(TestPaths.SeedReference, "..", "hificodec"));

    [ReferenceFact]
    public void Reference_config_gives_exactly_the_checkpoint_keys()
    {
        // keys.txt: "<container>/<key>\t[shape]\tdtype" for every tensor of g_00000000.pth.
        var expected = File.ReadLines(Path.Combine(Reference, "keys.txt"))
            .Select(l => l.Split('\t')).Select(p => $"{p[0].Replace('/', '.')} {p[1]}")
            .OrderBy(l => l, StringComparer.Ordinal).ToList();
        using var codec = new HifiCodec(HifiCodecConfig.Load(Path.Combine(Reference, "config.json")));
        var actual = codec.state_dict().Select(kv => $"{kv.Key} [{string.Join(", ", kv.Value.shape)}]")
            .OrderBy(l => l, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, actual);
    }
}
