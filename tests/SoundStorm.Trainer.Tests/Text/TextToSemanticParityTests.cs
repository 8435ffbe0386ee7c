using SoundStorm.Export.Text;
using SoundStorm.Trainer.Checkpoints;
using SoundStorm.Trainer.Text;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.Text;

/// <summary>
/// The TorchSharp text-to-semantic model and the <c>text_to_semantic</c> graph written from its state dict compute the
/// same durations and unit logits (relative error ≤ 1e-4) on random weights, and padding in a training batch does not
/// change an item's outputs.
/// </summary>
public sealed class TextToSemanticParityTests(ITestOutputHelper output)
{
    private static readonly TextToSemanticConfig Config = new()
    {
        Phones = 6, Units = 9, Dim = 32, EncoderLayers = 2, DecoderLayers = 2, Heads = 4, FeedForward = 64, ConvKernel = 5, MaxPhoneFrames = 8,
    };

    private static readonly string[] Symbols = ["SIL", "AA", "B", "K", "S", "T"];

    private static TextToSemanticModel Build(int seed)
    {
        manual_seed(seed);
        var model = new TextToSemanticModel(Config);
        RandomWeights.Perturb(model, seed + 1);
        model.eval();
        return model;
    }

    private static TextUnitsUtterance Utterance(int phones, int seed)
    {
        var random = new Random(seed);
        var ids = Enumerable.Range(0, phones).Select(_ => (long)random.Next(Config.Phones)).ToArray();
        var durations = Enumerable.Range(0, phones).Select(_ => (long)random.Next(1, 12)).ToArray(); // some beyond MaxPhoneFrames
        var units = Enumerable.Range(0, (int)durations.Sum()).Select(_ => (long)random.Next(Config.Units)).ToArray();
        return new TextUnitsUtterance($"u{seed}", null, ids, durations, units);
    }

    private static (float[] LogDurations, float[] Logits) Torch(TextToSemanticModel model, TextBatch b)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (phones, phonePadding, _, framePhone, frameOffset, frameLength, framePadding, _) = b.ToTensors();
        var (d, l) = model.Forward(phones, phonePadding, framePhone, frameOffset, frameLength, framePadding);
        return (d.contiguous().data<float>().ToArray(), l.contiguous().data<float>().ToArray());
    }

    private static (float[] LogDurations, float[] Logits) Onnx(SoundStorm.Export.Onnx.OnnxModel graph, TextBatch b)
    {
        long[] p = [b.BatchSize, b.MaxPhones], f = [b.BatchSize, b.MaxFrames];
        var outputs = OrtRun.Run(graph,
            new OrtFeed(TextToSemanticGraph.Phones, b.Phones, p), new OrtFeed(TextToSemanticGraph.FramePhone, b.FramePhone, f),
            new OrtFeed(TextToSemanticGraph.FrameOffset, b.FrameOffset, f), new OrtFeed(TextToSemanticGraph.FrameLength, b.FrameLength, f));
        return (outputs[TextToSemanticGraph.LogDurations].Data, outputs[TextToSemanticGraph.Logits].Data);
    }

    [Fact]
    public void Graph_matches_the_TorchSharp_model()
    {
        using var model = Build(3);
        var weights = StateDicts.ToWeightSet(model);
        var graph = TextToSemanticGraph.Build(Config, weights, Symbols);
        weights.EnsureAllUsed(); // the graph reads every tensor the module has
        var batch = TextBatch.Build([Utterance(7, 5)], int.MaxValue, Config.Phones, Config.MaxPhoneFrames, null);
        var (torchDurations, torchLogits) = Torch(model, batch);
        var (onnxDurations, onnxLogits) = Onnx(graph, batch);
        double durationError = RelativeError.Of(torchDurations, onnxDurations), logitError = RelativeError.Of(torchLogits, onnxLogits);
        output.WriteLine($"relative error: durations {durationError:E2}, logits {logitError:E2}");
        Assert.True(durationError <= 1e-4, $"durations: relative error {durationError:E3}");
        Assert.True(logitError <= 1e-4, $"logits: relative error {logitError:E3}");
    }

    [Fact]
    public void Padding_in_a_batch_leaves_the_shorter_item_unchanged()
    {
        using var model = Build(7);
        TextUnitsUtterance longer = Utterance(9, 1), shorter = Utterance(4, 2);
        var batch = TextBatch.Build([longer, shorter], int.MaxValue, Config.Phones, Config.MaxPhoneFrames, null);
        var alone = TextBatch.Build([shorter], int.MaxValue, Config.Phones, Config.MaxPhoneFrames, null);
        var (batchDurations, batchLogits) = Torch(model, batch);
        var (aloneDurations, aloneLogits) = Torch(model, alone);
        int n = shorter.Phones.Length, t = shorter.Units.Length;
        double durationError = RelativeError.Of(aloneDurations, batchDurations[batch.MaxPhones..(batch.MaxPhones + n)]);
        double logitError = RelativeError.Of(aloneLogits, batchLogits[(batch.MaxFrames * Config.Units)..((batch.MaxFrames + t) * Config.Units)]);
        Assert.True(durationError <= 1e-5, $"durations: relative error {durationError:E3}");
        Assert.True(logitError <= 1e-5, $"logits: relative error {logitError:E3}");
    }

    [Fact]
    public void Batch_frames_carry_their_phone_offset_and_clipped_length()
    {
        var u = new TextUnitsUtterance("u", null, [1, 2], [3, 10], Enumerable.Range(0, 13).Select(i => (long)(i % Config.Units)).ToArray());
        var b = TextBatch.Build([u], int.MaxValue, Config.Phones, Config.MaxPhoneFrames, null);
        Assert.Equal([0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], b.FramePhone);
        Assert.Equal([0, 1, 2, 0, 1, 2, 3, 4, 5, 6, 7, 7, 7], b.FrameOffset); // offsets clipped to MaxPhoneFrames − 1
        Assert.Equal([3, 3, 3, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7], b.FrameLength);
        Assert.Equal(new[] { (float)Math.Log(4), (float)Math.Log(11) }, b.LogDurations);
        Assert.Equal(u.Units, b.Units);
    }

    [Fact]
    public void Crops_take_whole_phones_within_the_frame_limit()
    {
        var u = new TextUnitsUtterance("u", null, [1, 2, 3, 4, 5], [4, 4, 4, 4, 4], Enumerable.Range(0, 20).Select(i => (long)(i % Config.Units)).ToArray());
        for (int seed = 0; seed < 20; seed++)
        {
            var b = TextBatch.Build([u], 9, Config.Phones, Config.MaxPhoneFrames, new SoundStorm.Trainer.Training.StepRandom(seed, 1, 0));
            int phones = b.PhonePadding.Count(p => !p), frames = b.FramePadding.Count(p => !p);
            Assert.InRange(phones, 1, 2);
            Assert.Equal(4 * phones, frames);
            long first = b.Phones[0];
            Assert.Equal(u.Units[(int)(first - 1) * 4], b.Units[0]); // the units of the phones taken, from their start
        }
    }
}
