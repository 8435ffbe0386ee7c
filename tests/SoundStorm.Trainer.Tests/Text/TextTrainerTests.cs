using System.Text.Json;
using SoundStorm.Export.Text;
using SoundStorm.Export.NumPy;
using SoundStorm.Trainer.Text;

namespace SoundStorm.Trainer.Tests.Text;

/// <summary>
/// <c>train-text</c> on a small learnable dataset (each frame's unit is its phone's id; each phone lasts 2 + id frames):
/// the held-out unit accuracy and duration error improve, a resumed run repeats the straight run's losses, and a
/// malformed dataset is refused naming the file.
/// </summary>
[Collection("Console")]
public sealed class TextTrainerTests
{
    internal static readonly string[] Symbols = ["SIL", "AA", "B", "K", "S", "T"];

    private static readonly TextToSemanticConfig Config = new()
    {
        Phones = Symbols.Length, Units = Symbols.Length, Dim = 32, EncoderLayers = 1, DecoderLayers = 1, Heads = 4, FeedForward = 64, MaxPhoneFrames = 16,
    };

    private static readonly TextTrainOptions Options = new()
    {
        Steps = 120, BatchSize = 8, MaxFrames = 200, LearningRate = 3e-3, WarmupSteps = 10, MinLearningRate = 1e-4, Seed = 5, CheckpointEvery = 60, LogEvery = 1000,
        ValidationFraction = 0.2,
    };

    internal static string WriteDataset(string folder, int utterances = 40)
    {
        var random = new Random(9);
        var entries = new List<object>();
        for (int u = 0; u < utterances; u++)
        {
            var phones = Enumerable.Range(0, random.Next(3, 9)).Select(_ => (long)random.Next(Symbols.Length)).ToArray();
            var durations = phones.Select(p => 2 + p).ToArray();
            var units = phones.SelectMany((p, i) => Enumerable.Repeat(p, (int)durations[i])).ToArray();
            string id = $"u{u}";
            Directory.CreateDirectory(Path.Combine(folder, id));
            NpyFile.Write(Path.Combine(folder, id, "phones.npy"), new NpyArray(phones, phones.Length));
            NpyFile.Write(Path.Combine(folder, id, "durations.npy"), new NpyArray(durations, durations.Length));
            NpyFile.Write(Path.Combine(folder, id, "units.npy"), new NpyArray(units, units.Length));
            entries.Add(new { id, speaker = "s", phones = phones.Length, frames = units.Length });
        }
        File.WriteAllText(Path.Combine(folder, TextUnitsDataset.HeaderFile), JsonSerializer.Serialize(new
        {
            formatVersion = 1, kind = "text-units", phones = Symbols, units = Symbols.Length, frameRate = 50, utterances = entries,
        }));
        return folder;
    }

    [Fact]
    public void Training_learns_units_and_durations()
    {
        using var temp = new TempFolder();
        var dataset = TextUnitsDataset.Load(WriteDataset(temp.Sub("data")));
        using var trainer = new TextObjective(Config, Options, dataset, temp.Sub("run"));
        var before = trainer.Validate();
        trainer.Run();
        var after = trainer.Validations[^1];
        Assert.True(after.UnitAccuracy > 0.9, $"held-out unit accuracy {after.UnitAccuracy:P1} (before training {before.UnitAccuracy:P1})");
        Assert.True(after.DurationMeanAbsoluteError < before.DurationMeanAbsoluteError / 3,
            $"duration error {after.DurationMeanAbsoluteError:F2} frames, before training {before.DurationMeanAbsoluteError:F2}");
        Assert.True(File.Exists(Path.Combine(temp.Sub("run"), TextObjective.CheckpointFile)));
        // best.safetensors holds the step with the lowest held-out unit loss among the checkpointed ones.
        var best = TextCheckpoint.Load(Path.Combine(temp.Sub("run"), TextObjective.BestFile));
        var checkpointed = trainer.Validations.Where(v => v.Step > 0).ToArray();
        Assert.Equal(checkpointed.MinBy(v => v.UnitLoss)!.Step, best.Step);
    }

    [Fact]
    public void A_resumed_run_repeats_the_straight_run()
    {
        using var temp = new TempFolder();
        var dataset = TextUnitsDataset.Load(WriteDataset(temp.Sub("data"), 12));
        var options = Options with { Steps = 6, CheckpointEvery = 3 };
        IReadOnlyList<TextStepRecord> straight;
        using (var trainer = new TextObjective(Config, options, dataset, temp.Sub("straight"))) straight = trainer.Run();
        using (var first = new TextObjective(Config, options, dataset, temp.Sub("split"))) first.Run(stopAfter: 3);
        using var resumed = TextObjective.Resume(Path.Combine(temp.Sub("split"), TextObjective.CheckpointFile), dataset, temp.Sub("split"));
        var history = resumed.Run();
        Assert.Equal(straight.Select(r => r.UnitLoss), history.Select(r => r.UnitLoss));
        Assert.Equal(straight.Select(r => r.DurationLoss), history.Select(r => r.DurationLoss));
    }

    [Fact]
    public void Durations_that_do_not_sum_to_the_frames_are_refused()
    {
        using var temp = new TempFolder();
        string folder = WriteDataset(temp.Sub("data"), 2);
        NpyFile.Write(Path.Combine(folder, "u1", "durations.npy"), new NpyArray(new long[] { 1 }, 1));
        var e = Assert.Throws<DatasetFormatException>(() => TextUnitsDataset.Load(folder));
        Assert.Contains(Path.Combine(folder, "u1", "durations.npy"), e.Message);
        Assert.Contains("durations for", e.Message);
    }
}
