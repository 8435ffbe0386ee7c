using SoundStorm.Export.Onnx;
using SoundStorm.Trainer.Exporting;

namespace SoundStorm.Trainer.Tests.Paper;

/// <summary>
/// A trained model's package, read back into a checkpoint (<see cref="PackageCheckpointImporter"/>), is the same model:
/// a warm restart from it validates exactly as the run that wrote the package; float16-stored weights stay within
/// half-precision rounding.
/// </summary>
public sealed class PackageImportTests
{
    private static readonly PaperModelConfig Tiny = TinyPaperRun.Config with { Layers = 2 };

    private static readonly TrainOptions Short = TinyPaperRun.Options with { Steps = 5 };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Package_imports_into_a_checkpoint_that_validates_like_the_exported_weights(bool ema)
    {
        using var temp = new TempFolder();
        var dataset = TinyPaperRun.Dataset(temp);
        double[] exportedLoss;
        string checkpoint;
        using (var trainer = new PaperObjective(Tiny, Short, dataset, temp.Sub("run")))
        {
            checkpoint = trainer.Run().CheckpointPath;
            exportedLoss = trainer.Evaluate(ema ? trainer.EmaModel! : trainer.Model, trainer.ValidationSet).Loss;
        }
        PackageExporter.Export(checkpoint, temp.Sub("package"), useEma: ema);

        string imported = temp.Sub("imported.safetensors");
        var config = PackageCheckpointImporter.Import(temp.Sub("package"), imported);

        Assert.Equal(Tiny, config);
        var stored = TrainingCheckpoint.Load(imported);
        Assert.Equal((0, 0L, false), (stored.Step, stored.AdamSteps, stored.HasEma));
        using var restarted = PaperObjective.StartFrom(stored, Short with { Steps = 1 }, dataset, temp.Sub("second"));
        Assert.Equal(exportedLoss, restarted.Evaluate(restarted.Model, restarted.ValidationSet).Loss);
    }

    [Fact]
    public void Float16_package_imports_within_half_precision_of_the_trained_weights()
    {
        using var temp = new TempFolder();
        var dataset = TinyPaperRun.Dataset(temp);
        string checkpoint;
        using (var trainer = new PaperObjective(Tiny, Short, dataset, temp.Sub("run"))) checkpoint = trainer.Run().CheckpointPath;
        PackageExporter.Export(checkpoint, temp.Sub("package"));
        // Store every weight of 64 or more values as float16, as 'soundstorm pack --float16-weights' does for large ones.
        foreach (string graph in new[] { "combiner.onnx", "transformer.onnx" })
        {
            string path = Path.Combine(temp.Sub("package"), graph);
            Float16Weights.Convert(OnnxModel.Load(path), 64).Save(path);
        }
        RewriteHashes(temp.Sub("package"));

        string imported = temp.Sub("imported.safetensors");
        PackageCheckpointImporter.Import(temp.Sub("package"), imported);

        var trained = TrainingCheckpoint.Load(checkpoint).Under(TrainingCheckpoint.ModelPrefix);
        var read = TrainingCheckpoint.Load(imported).Under(TrainingCheckpoint.ModelPrefix);
        Assert.Equal(trained.Keys.Order(), read.Keys.Order());
        int rounded = 0;
        foreach (var (name, tensor) in trained)
        {
            float[] expected = tensor.ToFloat32(), actual = read[name].ToFloat32();
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(actual[i] - expected[i]) <= Math.Abs(expected[i]) / 2048.0, $"{name}[{i}]: {actual[i]} vs {expected[i]}");
            if (!expected.SequenceEqual(actual)) rounded++;
        }
        Assert.True(rounded > 10, $"only {rounded} tensors differ from float32; the package was not stored as float16");
    }

    [Fact]
    public void An_existing_output_file_is_refused_and_left_alone()
    {
        using var temp = new TempFolder();
        string output = temp.Sub("taken.safetensors");
        File.WriteAllText(output, "keep");
        var e = Assert.Throws<ArgumentException>(() => PackageCheckpointImporter.Import(temp.Sub("no-package"), output));
        Assert.Equal($"{output}: already exists; give a new file for the checkpoint.", e.Message);
        Assert.Equal("keep", File.ReadAllText(output));
    }

    private static void RewriteHashes(string folder)
    {
        string manifestPath = Path.Combine(folder, ModelManifest.FileName);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifestPath))!;
        foreach (var (_, entry) in json["graphs"]!.AsObject())
        {
            using var stream = File.OpenRead(Path.Combine(folder, (string)entry!["file"]!));
            entry["sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
        }
        File.WriteAllText(manifestPath, json.ToJsonString());
    }
}
