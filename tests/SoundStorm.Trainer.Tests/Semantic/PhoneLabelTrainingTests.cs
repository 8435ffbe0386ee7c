using SoundStorm.Trainer.Semantic.Pretraining;

namespace SoundStorm.Trainer.Tests.Semantic;

/// <summary>
/// The supervised tokenizer: pre-training with forced-aligned phone labels as the targets. On tone "speech" whose
/// label is the tone's pitch, the classifier learns the labels of every frame (far above the majority share), a
/// resumed run repeats the straight one, the checkpoint carries no MFCC centres, and label files are checked.
/// </summary>
[Collection("Console")]
public sealed class PhoneLabelTrainingTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly HubertPretrainOptions Tiny = new()
    {
        ConvChannels = 16, EmbedDim = 32, Layers = 2, Heads = 2, FeedForwardDim = 64, FinalDim = 16,
        Targets = PhoneLabels.Symbols.Count, PhoneLabels = "labels.tsv", MaskProbability = 0.2, BatchSize = 4,
        CropSeconds = 0.5, MinSeconds = 0.5, Steps = 80, LearningRate = 3e-3, WarmupSteps = 5, Dropout = 0.0,
        CheckpointEvery = 0, LogEvery = 20, Seed = 5,
    };

    /// <summary>
    /// Tone utterances (100 ms per pitch) and, per 20 ms extractor frame, the label of the pitch under the frame's
    /// centre: pitch k is phone id k + 1, so the labels are a function of the audio the network must learn.
    /// </summary>
    private static (PretrainUtterance[] Audio, long[][] Labels) LabelledTones(int count, int samples, int seed)
    {
        var (audio, pitchAt) = ToneSpeech.Generate(count, samples, seed);
        return (audio, pitchAt.Select(p => Enumerable.Range(0, Mfcc.Frames(samples)).Select(t => (long)p[t * Mfcc.Hop + Mfcc.Window / 2] + 1).ToArray()).ToArray());
    }

    [Fact]
    public void The_classifier_learns_frame_labels_and_a_resumed_run_repeats_the_straight_one()
    {
        var (audio, labels) = LabelledTones(6, 16000, seed: 1);
        IReadOnlyList<HubertStepRecord> straight;
        using (var trainer = HubertPretrainObjective.Create(Tiny, audio, _temp.Sub("straight"), phoneTargets: labels))
            straight = trainer.Run();
        double majority = labels.SelectMany(l => l).GroupBy(x => x).Max(g => g.Count()) / (double)labels.Sum(l => l.Length);
        double late = straight.TakeLast(10).Average(r => r.Accuracy);
        Assert.True(late > majority + 0.3, $"frame accuracy {late:P1} against the majority label's share {majority:P1}");
        Assert.True(straight.TakeLast(10).Average(r => r.Loss) < 0.5 * straight.Take(5).Average(r => r.Loss));

        var options = Tiny with { Steps = 8, Dropout = 0.1 };
        IReadOnlyList<HubertStepRecord> full, resumed;
        using (var trainer = HubertPretrainObjective.Create(options, audio, _temp.Sub("full"), phoneTargets: labels))
            full = trainer.Run();
        using (var trainer = HubertPretrainObjective.Create(options, audio, _temp.Sub("part"), phoneTargets: labels))
            trainer.Run(stopAfter: 4);
        string checkpoint = Path.Combine(_temp.Sub("part"), HubertPretrainObjective.CheckpointFile);
        var stored = HubertPretrainCheckpoint.Load(checkpoint);
        Assert.Null(stored.Centroids());
        Assert.Equal("labels.tsv", stored.Options.PhoneLabels);
        using (var trainer = HubertPretrainObjective.Resume(checkpoint, audio, _temp.Sub("part"), phoneTargets: labels))
        {
            Assert.Equal(4, trainer.Step);
            resumed = trainer.Run();
        }
        Assert.Equal(full.Select(r => r.Loss), resumed.Select(r => r.Loss));
    }

    [Fact]
    public void A_phone_label_run_without_labels_or_with_another_inventory_size_is_refused()
    {
        var (audio, labels) = LabelledTones(2, 9000, seed: 2);
        var missing = Assert.Throws<ArgumentException>(() => HubertPretrainObjective.Create(Tiny, audio, _temp.Sub("a")));
        Assert.Contains("one label array per utterance (2); got 0", missing.Message);
        var size = Assert.Throws<ArgumentException>(() => HubertPretrainObjective.Create(Tiny with { Targets = 12 }, audio, _temp.Sub("b"), phoneTargets: labels));
        Assert.Contains("40 labels of the inventory; targets is 12", size.Message);
    }

    [Fact]
    public void Label_files_are_read_by_corpus_path_and_checked_line_by_line()
    {
        string corpus = _temp.Sub("corpus");
        Directory.CreateDirectory(corpus);
        string file = Path.Combine(corpus, "phones.tsv");
        File.WriteAllText(file, "path\tframes\tlabels\nwav/v/a.wav\t4\tSIL HH AH SIL\n");
        var read = PhoneLabels.Read(file, corpus);
        Assert.Equal([0L, 16, 3, 0], read[Path.GetFullPath(Path.Combine(corpus, "wav/v/a.wav"))]);

        File.WriteAllText(file, "path\tframes\tlabels\nwav/v/a.wav\t4\tSIL HH XX SIL\n");
        var unknown = Assert.Throws<DatasetFormatException>(() => PhoneLabels.Read(file, corpus));
        Assert.Equal($"{file}: line 2, frame 2: unknown phone 'XX' (expected one of {string.Join(" ", PhoneLabels.Symbols)}).", unknown.Message);

        File.WriteAllText(file, "path\tframes\tlabels\nwav/v/a.wav\t5\tSIL HH AH SIL\n");
        Assert.Contains("line 2: frames is '5' but the row holds 4 labels", Assert.Throws<DatasetFormatException>(() => PhoneLabels.Read(file, corpus)).Message);
        File.WriteAllText(file, "path\tlabels\nwav/v/a.wav\tSIL\n");
        Assert.Contains("line 1 must be the header", Assert.Throws<DatasetFormatException>(() => PhoneLabels.Read(file, corpus)).Message);
    }

    [Fact]
    public void Labels_one_frame_off_are_fitted_and_more_is_refused()
    {
        Assert.Equal([1L, 2, 3, 3], PhoneLabels.Fit([1, 2, 3], 4, "a.wav"));
        Assert.Equal([1L, 2], PhoneLabels.Fit([1, 2, 3], 2, "a.wav"));
        var e = Assert.Throws<DatasetFormatException>(() => PhoneLabels.Fit([1, 2, 3], 6, "a.wav"));
        Assert.Equal("a.wav: has 6 frames but its phone labels cover 3; were they aligned on other audio?", e.Message);
    }
}
