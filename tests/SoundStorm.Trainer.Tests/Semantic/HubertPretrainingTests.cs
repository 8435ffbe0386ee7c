using SoundStorm.Export.NumPy;
using SoundStorm.Trainer.Cli;
using SoundStorm.Trainer.Preparation;
using SoundStorm.Trainer.Semantic.Pretraining;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.Semantic;

/// <summary>
/// HuBERT pre-training on synthetic "speech" (tone sequences): the loss falls, a resumed run repeats the straight
/// run's losses, the exported semantic graph tokenises like the TorchSharp model + centres, bad input is named.
/// </summary>
[Collection("Console")]
public sealed class HubertPretrainingTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly HubertPretrainOptions Tiny = new()
    {
        ConvChannels = 16, EmbedDim = 32, Layers = 2, Heads = 2, FeedForwardDim = 64, FinalDim = 16, Targets = 8,
        KMeansIterations = 10, BatchSize = 4, CropSeconds = 0.5, MinSeconds = 0.5, Steps = 60, LearningRate = 2e-3,
        WarmupSteps = 5, Dropout = 0.1, CheckpointEvery = 0, LogEvery = 10, Seed = 5,
    };

    [Fact]
    public void Loss_falls_and_a_resumed_run_repeats_the_straight_one()
    {
        var audio = ToneSpeech.Generate(6, 16000, seed: 1).Audio;
        IReadOnlyList<HubertStepRecord> straight;
        using (var trainer = HubertPretrainObjective.Create(Tiny, audio, _temp.Sub("straight")))
            straight = trainer.Run();
        double first = straight.Take(5).Average(r => r.Loss), last = straight.TakeLast(5).Average(r => r.Loss);
        Assert.True(last < 0.8 * first, $"loss {first:F3} → {last:F3}");
        Assert.True(straight.TakeLast(5).Average(r => r.Accuracy) > straight.Take(5).Average(r => r.Accuracy));

        var options = Tiny with { Steps = 8 };
        IReadOnlyList<HubertStepRecord> full, resumed;
        using (var trainer = HubertPretrainObjective.Create(options, audio, _temp.Sub("full")))
            full = trainer.Run();
        using (var trainer = HubertPretrainObjective.Create(options, audio, _temp.Sub("part")))
            trainer.Run(stopAfter: 4);
        using (var trainer = HubertPretrainObjective.Resume(Path.Combine(_temp.Sub("part"), HubertPretrainObjective.CheckpointFile), audio, _temp.Sub("part")))
        {
            Assert.Equal(4, trainer.Step);
            resumed = trainer.Run();
        }
        Assert.Equal(full.Select(r => r.Loss), resumed.Select(r => r.Loss));
        Assert.Equal(full.Select(r => r.GradNorm), resumed.Select(r => r.GradNorm));
    }

    [Fact]
    public void Span_masks_cover_about_half_the_frames()
    {
        double share = Enumerable.Range(0, 200).Average(i =>
            SpanMasking.Draw(150, 0.8, 10, new SoundStorm.Trainer.Training.StepRandom(1, 9, i)).Count(m => m) / 150.0);
        Assert.InRange(share, 0.4, 0.65);
        Assert.Contains(true, SpanMasking.Draw(3, 0.01, 10, new SoundStorm.Trainer.Training.StepRandom(1, 9, 0)));
    }

    [Fact]
    public void Exported_semantic_graph_gives_the_torchsharp_units()
    {
        var audio = ToneSpeech.Generate(4, 12000, seed: 2).Audio;
        using (var trainer = HubertPretrainObjective.Create(Tiny with { Steps = 3 }, audio, _temp.Sub("run")))
            trainer.Run();
        string checkpoint = Path.Combine(_temp.Sub("run"), HubertPretrainObjective.CheckpointFile);
        var result = HubertUnits.Build(checkpoint, audio, layer: 1, units: 6, _temp.Sub("units"), seed: 3, iterations: 10);
        Assert.Equal(6, result.Import.Clusters);
        string fragment = File.ReadAllText(Path.Combine(_temp.Sub("units"), PackageFragment.FileName));
        Assert.Contains("\"semanticVocabulary\": 6", fragment);
        Assert.Contains("\"semantic\": \"semantic.onnx\"", fragment);

        using var model = HubertUnits.LoadEncoder(checkpoint);
        var centres = NpyFile.Read(Path.Combine(_temp.Sub("units"), HubertUnits.CentroidsFile));
        using var centreTensor = tensor(centres.ToFloat32(), [centres.Shape[0], centres.Shape[1]]);
        // The fragment holds two graphs (normalisation statistics, then the tokens given them); the tokenizer runs both.
        using var tokenizer = SemanticTokenizer.FromFragment(_temp.Sub("units"), new SessionSettings { IntraOpThreads = 1 });
        var probe = ToneSpeech.Generate(1, 9000, seed: 9).Audio[0].Samples; // audio the k-means never saw
        using var features = HubertUnits.Features(model, probe, 1);
        long[] expected = KMeans.Assign(features, centreTensor).data<long>().ToArray();
        Assert.Equal(expected, tokenizer.Tokenize(probe));
        Assert.True(expected.Distinct().Count() > 1, "the probe should use more than one unit");
    }

    [Fact]
    public void Empty_folder_and_manifest_without_train_rows_are_named()
    {
        Directory.CreateDirectory(_temp.Sub("empty"));
        var e = Assert.Throws<DatasetFormatException>(() => AudioCorpus.TrainingFiles(_temp.Sub("empty"), null));
        Assert.Contains("no .wav files", e.Message);

        Directory.CreateDirectory(_temp.Sub("corpus"));
        File.WriteAllText(Path.Combine(_temp.Sub("corpus"), "manifest.tsv"), "path\tvoice\tlanguage\tsource\tlicence\tsplit\ttranscript\nwav/a.wav\tv\ten\ts\tl\ttest\thi\n");
        var noTrain = Assert.Throws<DatasetFormatException>(() => AudioCorpus.TrainingFiles(_temp.Sub("corpus"), null));
        Assert.Contains("split=train", noTrain.Message);
        Assert.Contains("manifest.tsv", noTrain.Message);
    }

    [Fact]
    public async Task Cli_reports_an_empty_audio_folder_in_one_line()
    {
        Directory.CreateDirectory(_temp.Sub("empty"));
        var (oldOut, oldError) = (Console.Out, Console.Error);
        var error = new StringWriter();
        Console.SetOut(new StringWriter());
        Console.SetError(error);
        int code;
        try { code = await TrainerApp.RunAsync(["pretrain-hubert", "--audio", _temp.Sub("empty"), "--out", _temp.Sub("run")]); }
        finally { Console.SetOut(oldOut); Console.SetError(oldError); }
        Assert.Equal(2, code);
        Assert.StartsWith($"error: {_temp.Sub("empty")}: holds no .wav files", error.ToString());
    }
}
