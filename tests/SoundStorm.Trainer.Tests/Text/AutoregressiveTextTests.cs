using SoundStorm.Trainer.Text;
using SoundStorm.Trainer.Text.Autoregressive;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.Text;

/// <summary>
/// The autoregressive text-to-semantic model: its mask (phones both ways, units causal), padding that changes nothing,
/// learning the small dataset of <see cref="TextTrainerTests"/> well enough that greedy sampling speaks a held-out phone
/// sequence exactly, a resumed run that repeats the straight one, and the exporter's refusal.
/// </summary>
[Collection("Console")]
public sealed class AutoregressiveTextTests
{
    private static readonly AutoregressiveTextConfig Config = new() { Phones = TextTrainerTests.Symbols.Length, Units = TextTrainerTests.Symbols.Length, Dim = 64, Layers = 2, Heads = 4, FeedForward = 128 };

    private static readonly TextTrainOptions Options = new()
    {
        Steps = 400, BatchSize = 8, MaxFrames = 200, LearningRate = 3e-3, WarmupSteps = 20, MinLearningRate = 1e-4, Seed = 7, CheckpointEvery = 200, LogEvery = 1000,
        ValidationFraction = 0.2,
    };

    private static float[] Logits(AutoregressiveTextModel model, long[] phones, long[] units)
    {
        using var _ = no_grad();
        var padding = zeros([1, phones.Length + units.Length], dtype: @bool);
        return model.Forward(tensor(phones, [1, phones.Length]), tensor(units, [1, units.Length]), padding).data<float>().ToArray();
    }

    [Fact]
    public void Units_see_every_phone_and_only_the_units_before_them()
    {
        using var model = new AutoregressiveTextModel(Config);
        model.eval();
        long[] phones = [1, 2, 3], units = [Config.Units, 4, 0, 5];
        float[] reference = Logits(model, phones, units);
        int width = Config.Units + 1;
        float[] laterUnitChanged = Logits(model, phones, [Config.Units, 4, 0, 1]);
        Assert.Equal(reference[..(3 * width)], laterUnitChanged[..(3 * width)]);
        Assert.NotEqual(reference[(3 * width)..], laterUnitChanged[(3 * width)..]);
        float[] lastPhoneChanged = Logits(model, [1, 2, 4], units);
        Assert.NotEqual(reference[..width], lastPhoneChanged[..width]);
    }

    [Fact]
    public void A_padded_batch_gives_each_utterance_its_unpadded_logits()
    {
        using var model = new AutoregressiveTextModel(Config);
        model.eval();
        var longer = new TextUnitsUtterance("a", null, [1, 2, 3, 4], [2, 3, 1, 2], [1, 1, 2, 2, 2, 3, 4, 4]);
        var shorter = new TextUnitsUtterance("b", null, [5, 1], [2, 1], [5, 5, 1]);
        var batch = AutoregressiveTextBatch.Build([longer, shorter], int.MaxValue, Config.Phones, Config.Units, null);
        var (phones, units, padding, targets) = batch.ToTensors();
        using var _ = no_grad();
        float[] both = model.Forward(phones, units, padding).data<float>().ToArray();
        float[] alone = Logits(model, [5, 1], [Config.Units, 5, 5, 1]);
        int width = Config.Units + 1;
        float[] second = both[(batch.MaxUnits * width)..((batch.MaxUnits + 4) * width)];
        for (int i = 0; i < alone.Length; i++) Assert.True(Math.Abs(alone[i] - second[i]) < 1e-5, $"logit {i}: alone {alone[i]}, in the batch {second[i]}");
        // Targets: the next unit, then the end of speech (id K) after the last frame.
        Assert.Equal(new long[] { 5, 5, 1, Config.Units }, targets[1].data<long>().ToArray()[..4]);
    }

    [Fact]
    public void A_cropped_stretch_has_no_end_of_speech_target()
    {
        var u = new TextUnitsUtterance("u", null, [1, 2, 3], [3, 3, 3], [1, 1, 1, 2, 2, 2, 3, 3, 3]);
        var batch = AutoregressiveTextBatch.Build([u], 6, Config.Phones, Config.Units, null);
        Assert.Equal(new long[] { 1, 1, 1, 2, 2, 2, TextBatch.Ignore }, batch.Targets);
        Assert.Equal(new long[] { 1, 2 }, batch.Phones);
    }

    [Fact]
    public void Training_learns_to_speak_unheard_phone_sequences()
    {
        using var temp = new TempFolder();
        var dataset = TextUnitsDataset.Load(TextTrainerTests.WriteDataset(temp.Sub("data"), 150));
        var network = new AutoregressiveTextNetwork(Config);
        using var trainer = new TextObjective(network, Options, dataset, temp.Sub("run"));
        var before = trainer.Validate();
        trainer.Run();
        var after = trainer.Validations[^1];
        // Teacher-forced next-unit accuracy: the misses sit where a phone ends (the model must count its frames).
        Assert.True(after.UnitAccuracy > 0.8, $"held-out next-unit accuracy {after.UnitAccuracy:P1} (before training {before.UnitAccuracy:P1})");
        // Each phone p lasts 2 + p frames of unit p in the data: greedy sampling must say exactly that.
        long[] phones = [3, 1, 5, 2];
        long[] expected = phones.SelectMany(p => Enumerable.Repeat(p, 2 + (int)p)).ToArray();
        long[] spoken = AutoregressiveTextSampler.Generate(network.Model, phones, temperature: 0, topK: 0, seed: 0);
        Assert.Equal(expected, spoken);
    }

    [Fact]
    public void A_resumed_run_repeats_the_straight_run()
    {
        using var temp = new TempFolder();
        var dataset = TextUnitsDataset.Load(TextTrainerTests.WriteDataset(temp.Sub("data"), 12));
        var options = Options with { Steps = 6, CheckpointEvery = 3 };
        IReadOnlyList<TextStepRecord> straight;
        using (var trainer = new TextObjective(new AutoregressiveTextNetwork(Config), options, dataset, temp.Sub("straight"))) straight = trainer.Run();
        using (var first = new TextObjective(new AutoregressiveTextNetwork(Config), options, dataset, temp.Sub("split"))) first.Run(stopAfter: 3);
        string checkpoint = Path.Combine(temp.Sub("split"), TextObjective.CheckpointFile);
        Assert.Equal(TextCheckpoint.AutoregressiveFormat, TextCheckpoint.Load(checkpoint).FormatName);
        using var resumed = TextObjective.Resume(checkpoint, dataset, temp.Sub("split"));
        Assert.IsType<AutoregressiveTextNetwork>(resumed.Network);
        Assert.Equal(straight.Select(r => r.UnitLoss), resumed.Run().Select(r => r.UnitLoss));
    }

    [Fact]
    public void The_exporter_refuses_an_autoregressive_checkpoint()
    {
        using var temp = new TempFolder();
        var dataset = TextUnitsDataset.Load(TextTrainerTests.WriteDataset(temp.Sub("data"), 6));
        using (var trainer = new TextObjective(new AutoregressiveTextNetwork(Config), Options with { Steps = 1 }, dataset, temp.Sub("run"))) trainer.Run();
        string path = Path.Combine(temp.Sub("run"), TextObjective.CheckpointFile);
        var e = Assert.Throws<ArgumentException>(() => TextExporter.Export(TextCheckpoint.Load(path), temp.Sub("fragment")));
        Assert.Contains(path, e.Message);
        Assert.Contains("only the duration model has a text_to_semantic graph", e.Message);
        Assert.False(Directory.Exists(temp.Sub("fragment")) && Directory.EnumerateFileSystemEntries(temp.Sub("fragment")).Any());
    }
}
