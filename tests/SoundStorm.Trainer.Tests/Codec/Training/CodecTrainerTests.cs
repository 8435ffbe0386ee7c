using SoundStorm.Export.Checkpoints;
using SoundStorm.Export.Codec;
using SoundStorm.Export.Onnx;
using SoundStorm.Trainer.Codec.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.Codec.Training;

/// <summary>train-codec end to end on a tiny codec: it learns, resumes exactly, skips held-out audio, and exports graphs that agree with it.</summary>
public sealed class CodecTrainerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("codec-train-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static readonly CodecTrainOptions Options = new()
    {
        Steps = 40, BatchSize = 2, SegmentFrames = 160, LearningRate = 3e-3, MinLearningRate = 3e-4, WarmupSteps = 3,
        RestartEvery = 10, CheckpointEvery = 1000, LogEvery = 1000, Seed = 7,
    };

    /// <summary>A corpus folder: two voices of harmonic tones with a manifest; one file is held out as test.</summary>
    private string Corpus()
    {
        string folder = Path.Combine(_root, "corpus");
        var rng = new Random(3);
        var rows = new List<string> { "path\tvoice\tlanguage\tsource\tlicence\tsplit\ttranscript" };
        foreach (var (voice, f0) in new[] { ("low", 120.0), ("high", 230.0) })
        {
            Directory.CreateDirectory(Path.Combine(folder, "wav", voice));
            for (int n = 0; n < 3; n++)
            {
                var samples = new float[4000 + 800 * n];
                double pitch = f0 * (1 + 0.1 * n);
                for (int i = 0; i < samples.Length; i++)
                    samples[i] = (float)(0.3 * Math.Sin(2 * Math.PI * pitch * i / 16000) + 0.1 * Math.Sin(2 * Math.PI * 3 * pitch * i / 16000) + 0.02 * (rng.NextDouble() - 0.5));
                string rel = $"wav/{voice}/{n}.wav";
                new AudioClip(samples, 16000).WriteWav(Path.Combine(folder, rel));
                rows.Add($"{rel}\t{voice}\ten\tsynthetic\tnone\t{(n == 2 && voice == "high" ? "test" : "train")}\t");
            }
        }
        File.WriteAllLines(Path.Combine(folder, "manifest.tsv"), rows);
        return folder;
    }

    [Fact]
    public void Loss_falls_and_a_resumed_run_repeats_the_uninterrupted_losses_exactly()
    {
        var corpus = WaveformCorpus.Load(Corpus(), SmallCodec.Config.SamplingRate);
        Assert.Equal(5, corpus.Paths.Count);
        Assert.DoesNotContain(corpus.Paths, p => p.EndsWith(Path.Combine("high", "2.wav"), StringComparison.Ordinal));

        string whole = Path.Combine(_root, "whole"), split = Path.Combine(_root, "split");
        double[] full;
        using (var trainer = new CodecObjective(SmallCodec.Config, Options, corpus, whole))
        {
            trainer.Train();
            full = trainer.History.Select(h => h.Loss).ToArray();
        }
        Assert.Equal(Options.Steps, full.Length);
        Assert.True(full.Skip(35).Average() < 0.8 * full.Take(5).Average(), $"loss did not fall: {full.Take(5).Average():F3} → {full.Skip(35).Average():F3}");

        using (var first = new CodecObjective(SmallCodec.Config, Options, corpus, split)) first.Train(stopAfter: 23);
        using var resumed = CodecObjective.Resume(Path.Combine(split, CodecObjective.CheckpointFile), corpus, split);
        Assert.Equal(23, resumed.Step);
        resumed.Train();
        Assert.Equal(full, resumed.History.Select(h => h.Loss).ToArray());
    }

    [Fact]
    public void An_adversarial_run_trains_and_saves_its_discriminators_and_resumes_exactly()
    {
        var corpus = WaveformCorpus.Load(Corpus(), SmallCodec.Config.SamplingRate);
        var options = Options with { Steps = 6, Adversarial = true, DiscriminatorWidth = 2, ScaleDiscriminators = 1, MelWeight = 45, StftWeight = 0 };
        string whole = Path.Combine(_root, "gan-whole"), split = Path.Combine(_root, "gan-split");
        CodecStepRecord[] full;
        using (var trainer = new CodecObjective(SmallCodec.Config, options, corpus, whole))
        {
            trainer.Train();
            full = trainer.History.ToArray();
        }
        Assert.All(full, h => Assert.True(h.Discriminator > 0 && h.Adversarial > 0 && h.FeatureMatching > 0, $"step {h.Step} has no adversarial terms"));
        Assert.All(full, h => Assert.Equal(0, h.Stft)); // weight 0: not computed
        var saved = CodecCheckpoint.Load(Path.Combine(whole, CodecObjective.CheckpointFile));
        Assert.Equal(6, saved.DiscriminatorAdamSteps);
        Assert.Contains("mpd.4.conv_post.weight", saved.Under(CodecCheckpoint.DiscriminatorPrefix).Keys);
        Assert.Contains("m.msd.0.convs.0.weight", saved.Under(CodecCheckpoint.DiscriminatorAdamPrefix).Keys);

        using (var first = new CodecObjective(SmallCodec.Config, options, corpus, split)) first.Train(stopAfter: 2);
        using (var resumed = CodecObjective.Resume(Path.Combine(split, CodecObjective.CheckpointFile), corpus, split))
        {
            resumed.Train();
            Assert.Equal(full, resumed.History.ToArray()); // every loss, the discriminators' included
        }

        // A new run from it keeps the discriminators; one from a spectral-only run starts them fresh.
        var log = new StringWriter();
        using (CodecObjective.StartFrom(saved, options, corpus, Path.Combine(_root, "gan-next"), log)) { }
        Assert.Contains("discriminators from the same checkpoint", log.ToString());
        log = new StringWriter();
        using (CodecObjective.StartFrom(saved, options with { DiscriminatorWidth = 3 }, corpus, Path.Combine(_root, "gan-wider"), log)) { }
        Assert.Contains("fresh discriminators (the checkpoint's are width 2 with 1 scales, this run asks for width 3 with 1)", log.ToString());
        using (var spectral = new CodecObjective(SmallCodec.Config, Options with { Steps = 1 }, corpus, Path.Combine(_root, "spectral"))) spectral.Train();
        log = new StringWriter();
        using (CodecObjective.StartFrom(CodecCheckpoint.Load(Path.Combine(_root, "spectral", CodecObjective.CheckpointFile)), options, corpus,
            Path.Combine(_root, "gan-fresh"), log)) { }
        Assert.Contains("fresh discriminators", log.ToString());
    }

    [Fact]
    public void A_run_with_a_pitch_loss_saves_its_head_resumes_exactly_and_refuses_a_frozen_encoder()
    {
        var corpus = WaveformCorpus.Load(Corpus(), SmallCodec.Config.SamplingRate);
        var options = Options with { Steps = 6, PitchWeight = 1 };
        string whole = Path.Combine(_root, "pitch-whole"), split = Path.Combine(_root, "pitch-split");
        CodecStepRecord[] full;
        using (var trainer = new CodecObjective(SmallCodec.Config, options, corpus, whole))
        {
            trainer.Train();
            full = trainer.History.ToArray();
        }
        Assert.All(full, h => Assert.True(h.Pitch > 0, $"step {h.Step} has no pitch loss"));
        var saved = CodecCheckpoint.Load(Path.Combine(whole, CodecObjective.CheckpointFile));
        Assert.Equal(new[] { "conv.bias", "conv.weight" }, saved.Under(CodecCheckpoint.PitchHeadPrefix).Keys.Order(StringComparer.Ordinal));
        Assert.Contains("pitch.conv.weight", saved.Under(CodecCheckpoint.AdamPrefix).Keys.Select(k => k[(k.IndexOf('.') + 1)..]));
        Assert.DoesNotContain(saved.Under(CodecCheckpoint.ModelPrefix).Keys, k => k.Contains("pitch", StringComparison.Ordinal)); // not exported

        using (var first = new CodecObjective(SmallCodec.Config, options, corpus, split)) first.Train(stopAfter: 2);
        using (var resumed = CodecObjective.Resume(Path.Combine(split, CodecObjective.CheckpointFile), corpus, split))
        {
            resumed.Train();
            Assert.Equal(full, resumed.History.ToArray());
        }

        var log = new StringWriter();
        using (CodecObjective.StartFrom(saved, options, corpus, Path.Combine(_root, "pitch-next"), log)) { }
        Assert.Contains("pitch head from the same checkpoint", log.ToString());
        var e = Assert.Throws<ArgumentException>(() => (Options with { PitchWeight = 1, DecoderOnly = true }).Validate());
        Assert.Contains("--pitch-weight", e.Message);
        Assert.Contains("--decoder-only", e.Message);
    }

    [Fact]
    public void A_decoder_only_start_with_another_width_trains_a_fresh_generator_on_the_same_codes()
    {
        var corpus = WaveformCorpus.Load(Corpus(), SmallCodec.Config.SamplingRate);
        string source = Path.Combine(_root, "joint");
        using (var joint = new CodecObjective(SmallCodec.Config, Options with { Steps = 3 }, corpus, source)) joint.Train();
        var saved = CodecCheckpoint.Load(Path.Combine(source, CodecObjective.CheckpointFile));
        int wider = 2 * SmallCodec.Config.UpsampleInitialChannel;

        var log = new StringWriter();
        using var trainer = CodecObjective.StartFrom(saved, Options with { Steps = 2, DecoderOnly = true }, corpus, Path.Combine(_root, "wide"), log, wider);
        Assert.Contains($"fresh generator of width {wider} (the checkpoint's: {SmallCodec.Config.UpsampleInitialChannel})", log.ToString());
        Assert.Equal(wider, trainer.Codec.Config.UpsampleInitialChannel);
        var stored = saved.Under(CodecCheckpoint.ModelPrefix);
        foreach (var (name, tensor) in trainer.Codec.state_dict().Where(kv => !kv.Key.StartsWith("generator.", StringComparison.Ordinal)))
            Assert.Equal(stored[name].ToFloat32(), tensor.to_type(ScalarType.Float32).data<float>().ToArray());
        Assert.Equal(new long[] { wider, SmallCodec.Config.LatentDim, 7 }, trainer.Codec.Generator.named_parameters()
            .Single(p => p.name == "conv_pre.weight_v").parameter.shape);

        // The codes a tokenised corpus holds are unchanged by the decoder-only run.
        using var scope = NewDisposeScope();
        var waveform = SmallCodec.Waveform(1, 40 * SmallCodec.Config.Hop, seed: 5);
        long[] before;
        using (no_grad()) before = trainer.Codec.Encode(waveform).data<long>().ToArray();
        trainer.Train();
        using (no_grad()) Assert.Equal(before, trainer.Codec.Encode(waveform).data<long>().ToArray());

        var e = Assert.Throws<ArgumentException>(() => CodecObjective.StartFrom(saved, Options, corpus, Path.Combine(_root, "wide-joint"), null, wider));
        Assert.Contains($"--width {wider} differs from the generator width {SmallCodec.Config.UpsampleInitialChannel}", e.Message);
        Assert.Contains("--decoder-only", e.Message);
        var odd = Assert.Throws<HifiCodecConfigException>(() => CodecObjective.StartFrom(saved, Options with { DecoderOnly = true }, corpus, Path.Combine(_root, "odd"), null, 18));
        Assert.Contains("--width 18: 'upsample_initial_channel' 18 must be divisible by 2^2", odd.Message);
    }

    [Fact]
    public void Exported_encoder_graph_gives_the_trained_codecs_codes()
    {
        var corpus = WaveformCorpus.Load(Corpus(), SmallCodec.Config.SamplingRate);
        using var trainer = new CodecObjective(SmallCodec.Config, Options with { Steps = 5 }, corpus, Path.Combine(_root, "run"));
        trainer.Train();
        var result = trainer.Export(Path.Combine(_root, "fragment"));
        Assert.True(File.Exists(Path.Combine(_root, "fragment", "fragment.json")));

        using var scope = NewDisposeScope();
        var waveform = SmallCodec.Waveform(1, 160 * SmallCodec.Config.Hop, seed: 11);
        long[] expected;
        using (no_grad()) expected = trainer.Codec.Encode(waveform).data<long>().ToArray();
        var outputs = SmallCodec.Run(OnnxModel.Load(result.EncoderPath), HifiCodecGraphs.Waveform,
            waveform.data<float>().ToArray(), new long[] { 1, 160 * SmallCodec.Config.Hop });
        Assert.Equal(expected, outputs[HifiCodecGraphs.Codes].Data.Select(v => (long)v).ToArray());
        Assert.True(expected.Distinct().Count() > 8, "the data-initialised codebooks should be in use");
    }

    [Fact]
    public void A_manifest_without_training_rows_and_a_foreign_checkpoint_are_named_errors()
    {
        string folder = Path.Combine(_root, "empty");
        Directory.CreateDirectory(folder);
        File.WriteAllLines(Path.Combine(folder, "manifest.tsv"), new[] { "path\tvoice\tsplit", "a.wav\tv\ttest" });
        var e = Assert.Throws<DatasetFormatException>(() => WaveformCorpus.Load(folder, 16000));
        Assert.Contains("manifest.tsv", e.Message);
        Assert.Contains("no rows with split=train", e.Message);

        string foreign = Path.Combine(_root, "foreign.safetensors");
        SafeTensorsFile.Write(foreign, new[] { CheckpointTensor.FromFloat32("x", new long[] { 1 }, new float[] { 1 }) });
        var c = Assert.Throws<CheckpointFormatException>(() => CodecCheckpoint.Load(foreign));
        Assert.Contains("foreign.safetensors", c.Message);
        Assert.Contains("soundstorm.format", c.Message);

        var corpus = WaveformCorpus.Load(Corpus(), 16000);
        var s = Assert.Throws<ArgumentException>(() => new CodecObjective(SmallCodec.Config, Options with { SegmentFrames = 40 }, corpus, _root));
        Assert.Contains("--segment-frames 40 gives 320 samples", s.Message);
        Assert.Contains("the spectral losses need at least 1025", s.Message); // half the 2048-point STFT, + 1
        // Without the STFT loss the mel loss's 1024-point FFT sets the minimum: 513 samples, so 80 frames of 8 pass.
        using (new CodecObjective(SmallCodec.Config, Options with { SegmentFrames = 80, StftWeight = 0 }, corpus, _root)) { }
    }
}
