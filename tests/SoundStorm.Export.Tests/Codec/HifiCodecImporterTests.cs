using System.Text.Json;
using SoundStorm.Export.Codec;
using SoundStorm.Export.Weights;
using SoundStorm.Export.NumPy;

namespace SoundStorm.Export.Tests.Codec;

/// <summary>The importer's files and its refusal of checkpoints that do not fit the config.</summary>
public sealed class HifiCodecImporterTests : IDisposable
{
    private static readonly string Checkpoint = Path.Combine(HifiCodecReference.Dir, "g_00000000.pth");
    private static readonly string ConfigPath = Path.Combine(HifiCodecReference.Dir, "config.json");
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "soundstorm-codec-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [ReferenceFact]
    public void Import_writes_checked_graphs_whose_saved_encoder_reproduces_reference_codes()
    {
        var result = HifiCodecImporter.Import(Checkpoint, ConfigPath, _dir);

        Assert.Equal((16000, 320, 4, 1024), (result.SampleRate, result.Hop, result.Codebooks, result.CodebookSize));
        Assert.Equal(343, result.TensorCount); // keys.txt lists 343 tensors
        OnnxChecker.Check(result.EncoderPath);
        OnnxChecker.Check(result.DecoderPath);
        using (var info = JsonDocument.Parse(File.ReadAllText(result.InfoPath)))
        {
            Assert.Equal(16000, info.RootElement.GetProperty("sample_rate").GetInt32());
            Assert.Equal(320, info.RootElement.GetProperty("hop").GetInt32());
            Assert.Equal(4, info.RootElement.GetProperty("codebooks").GetInt32());
            Assert.Equal(1024, info.RootElement.GetProperty("codebook_size").GetInt32());
        }

        var wav = HifiCodecReference.Npy("input_wav.npy");
        var codes = OrtRunner.RunFile(result.EncoderPath, new Feed("waveform", wav.ToFloat(), wav.LongShape));
        Assert.Equal(new[] { "codes" }, codes.Keys); // the imported graph exposes no debugging outputs
        Assert.Equal(NpyFile.Read(Path.Combine(HifiCodecReference.Dir, "codes.npy")).ToInt64(), codes["codes"].Data.Select(v => (long)v).ToArray());
    }

    [ReferenceFact]
    public void Missing_unexpected_and_misshapen_tensors_are_listed_in_one_exception()
    {
        var config = HifiCodecConfig.Load(ConfigPath);
        var weights = HifiCodecImporter.ReadWeights(Checkpoint);
        var tampered = new WeightSet("tampered");
        foreach (string name in weights.Names)
        {
            if (name == "generator.resblocks.3.convs2.1.weight_v") continue; // missing
            var t = weights.Peek(name);
            if (name == "quantizer.quantizer_modules2.1.embedding.weight") tampered.Add(name, t.Data[..(512 * 256)], 512, 256); // misshapen
            else tampered.Add(name, t.Data, t.Shape);
        }
        tampered.Add("encoder.resblocks.99.convs1.0.bias", new float[4], 4); // unexpected

        var e = Assert.Throws<WeightMismatchException>(() => HifiCodecImporter.CheckTensors(tampered, config));
        Assert.Contains("missing 1: generator.resblocks.3.convs2.1.weight_v [16, 16, 1]", e.Message);
        Assert.Contains("unexpected 1: encoder.resblocks.99.convs1.0.bias [4]", e.Message);
        Assert.Contains("misshapen 1: quantizer.quantizer_modules2.1.embedding.weight is [512, 256], expected [1024, 256]", e.Message);
    }

    [ReferenceFact]
    public void Import_with_a_config_that_does_not_fit_the_checkpoint_names_every_difference_and_writes_nothing()
    {
        // Three resblocks per stage where the checkpoint has two, and a kernel 5 where it has 1.
        string json = File.ReadAllText(ConfigPath)
            .Replace("\"resblock_kernel_sizes\": [\n        3,\n        1\n    ]", "\"resblock_kernel_sizes\": [3, 5, 7]")
            .Replace("\"resblock_dilation_sizes\": [", "\"resblock_dilation_sizes\": [[1, 3, 5],");
        Directory.CreateDirectory(_dir);
        string config = Path.Combine(_dir, "config.json");
        File.WriteAllText(config, json);
        Assert.Equal(new[] { 3, 5, 7 }, HifiCodecConfig.Load(config).ResblockKernelSizes);

        string output = Path.Combine(_dir, "out");
        var e = Assert.Throws<WeightMismatchException>(() => HifiCodecImporter.Import(Checkpoint, config, output));
        Assert.Contains("missing", e.Message);
        Assert.Contains("generator.resblocks.11.convs1.0.weight_v [4, 4, 7]", e.Message);   // 12 resblocks expected, 8 stored
        Assert.Contains("generator.resblocks.2.convs1.0.weight_v is [16, 16, 3], expected [32, 32, 7]", e.Message);
        Assert.Contains("generator.resblocks.1.convs1.0.weight_v is [32, 32, 1], expected [32, 32, 5]", e.Message);
        Assert.False(Directory.Exists(output));
    }

    [ReferenceFact]
    public void Checkpoint_without_the_three_state_dicts_is_refused()
    {
        string seed = Path.Combine(HifiCodecReference.Dir, "..", "soundstorm-s2", "last.pth");
        var e = Assert.Throws<SoundStorm.Export.Checkpoints.CheckpointFormatException>(() => HifiCodecImporter.ReadWeights(seed));
        Assert.Contains("missing 'encoder', 'generator', 'quantizer'", e.Message);
    }
}
