using System.CommandLine;
using SoundStorm.Export.Codec;
using SoundStorm.Trainer.Codec.Training;

namespace SoundStorm.Trainer.Cli;

/// <summary>
/// <c>soundstorm-train train-codec</c>: trains a HiFi-Codec on a folder of speech and writes its checkpoint and its
/// ONNX fragment (<c>codec_encoder.onnx</c>, <c>codec_decoder.onnx</c>, <c>fragment.json</c>) into <c>OUT/codec</c>.
/// </summary>
internal static class TrainCodecCommand
{
    public static Command Create()
    {
        var defaults = new CodecTrainOptions();
        var audio = new Option<DirectoryInfo>("--audio") { Description = "Corpus folder: manifest.tsv (only split=train rows are used) or <speaker>/<utterance>.wav files.", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Run folder: checkpoint.safetensors, loss.png and codec/ (the ONNX fragment).", Required = true };
        var resume = new Option<FileInfo?>("--resume") { Description = "Continue this checkpoint's run exactly (its configuration and options are used)." };
        var startFrom = new Option<FileInfo?>("--start-from") { Description = "Start a new run from this checkpoint's weights (e.g. with --decoder-only)." };
        var config = new Option<FileInfo?>("--config") { Description = "AcademiCodec config json (instead of the size flags below)." };
        var width = new Option<int?>("--width")
        {
            Description = "Generator width after conv_pre (upsample_initial_channel; default 128). With --start-from and --decoder-only, another width " +
                "than the checkpoint's trains a fresh generator on its encoder and codes.",
        };
        var encoderWidth = new Option<int>("--encoder-width") { Description = "Encoder width of conv_pre (doubled per stage).", DefaultValueFactory = _ => 8 };
        var groups = new Option<int>("--groups") { Description = "Code groups per residual level.", DefaultValueFactory = _ => 2 };
        var levels = new Option<int>("--levels") { Description = "Residual levels.", DefaultValueFactory = _ => 2 };
        var codebookSize = new Option<int>("--codebook-size") { Description = "Codewords per codebook.", DefaultValueFactory = _ => 1024 };
        var steps = new Option<int>("--steps") { Description = "Total optimiser steps (the learning-rate schedule spans them).", DefaultValueFactory = _ => defaults.Steps };
        var batch = new Option<int>("--batch-size") { Description = "Crops per batch.", DefaultValueFactory = _ => defaults.BatchSize };
        var segment = new Option<int>("--segment-frames") { Description = "Crop length in code frames (hop samples each).", DefaultValueFactory = _ => defaults.SegmentFrames };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate.", DefaultValueFactory = _ => defaults.LearningRate };
        var minLr = new Option<double>("--min-lr") { Description = "Learning rate at the end of the cosine decay.", DefaultValueFactory = _ => defaults.MinLearningRate };
        var warmup = new Option<int>("--warmup") { Description = "Linear warm-up steps.", DefaultValueFactory = _ => defaults.WarmupSteps };
        var clip = new Option<double>("--clip") { Description = "Global gradient-norm limit (0 = off).", DefaultValueFactory = _ => defaults.ClipNorm };
        var restartEvery = new Option<int>("--restart-every") { Description = "Re-draw codewords unused for this many steps (0 = never).", DefaultValueFactory = _ => defaults.RestartEvery };
        var decoderOnly = new Option<bool>("--decoder-only") { Description = "Train the decoder only (encoder and codebooks frozen, so codes stay fixed)." };
        var adversarial = new Option<bool>("--adversarial") { Description = "Add HiFi-GAN's multi-period + multi-scale discriminators (least-squares GAN + feature matching)." };
        var discriminatorWidth = new Option<int>("--discriminator-width") { Description = "First channel count of a period discriminator (HiFi-GAN: 32).", DefaultValueFactory = _ => defaults.DiscriminatorWidth };
        var scales = new Option<int>("--scale-discriminators") { Description = "Scale discriminators beside the period ones (HiFi-GAN: 3; 0 = periods only, far cheaper on a CPU).", DefaultValueFactory = _ => defaults.ScaleDiscriminators };
        var melWeight = new Option<double>("--mel-weight") { Description = "Weight of the log-mel L1 loss (HiFi-GAN uses 45 with --adversarial).", DefaultValueFactory = _ => defaults.MelWeight };
        var stftWeight = new Option<double>("--stft-weight") { Description = "Weight of the multi-resolution STFT loss (0 = not computed).", DefaultValueFactory = _ => defaults.StftWeight };
        var vqWeight = new Option<double>("--vq-weight") { Description = "Weight of the quantiser's codebook + commitment loss.", DefaultValueFactory = _ => defaults.VqWeight };
        var pitchWeight = new Option<double>("--pitch-weight")
        {
            Description = "Weight of an auxiliary loss that makes the codes carry pitch: a training-only head predicts each frame's log F0 and voicing " +
                "(autocorrelation of the crop) from the quantised latent (0 = off; not with --decoder-only).",
            DefaultValueFactory = _ => defaults.PitchWeight,
        };
        var adversarialWeight = new Option<double>("--adversarial-weight") { Description = "Weight of the generator's adversarial loss.", DefaultValueFactory = _ => defaults.AdversarialWeight };
        var featureWeight = new Option<double>("--feature-weight") { Description = "Weight of the feature-matching loss.", DefaultValueFactory = _ => defaults.FeatureMatchingWeight };
        var seed = new Option<long>("--seed") { Description = "Seed of initialisation, crops and restarts.", DefaultValueFactory = _ => defaults.Seed };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Checkpoint interval in steps.", DefaultValueFactory = _ => defaults.CheckpointEvery };
        var logEvery = new Option<int>("--log-every") { Description = "Progress line interval in steps.", DefaultValueFactory = _ => defaults.LogEvery };
        var stopAfter = new Option<int?>("--stop-after") { Description = "Stop (with a checkpoint) after this step; resume later." };
        var minutes = TimeLimitOption.Create();
        var skip = new Option<bool>("--skip-bad-files") { Description = "Leave out unreadable audio files with a warning instead of stopping." };
        var threads = TorchThreadsOption.Create();

        var command = new Command("train-codec", "Train a HiFi-Codec (encoder, group-residual VQ, decoder) with log-mel + multi-resolution STFT losses, optionally adversarial.")
        {
            audio, output, resume, startFrom, config, width, encoderWidth, groups, levels, codebookSize, steps, batch, segment, lr, minLr, warmup,
            clip, restartEvery, decoderOnly, adversarial, discriminatorWidth, scales, melWeight, stftWeight, vqWeight, pitchWeight, adversarialWeight, featureWeight, seed, checkpointEvery, logEvery, stopAfter, minutes, threads, skip,
        };
        command.SetAction(r => TrainerErrors.Guard(() =>
        {
            TorchThreadsOption.Apply(r, threads);
            var limit = TimeLimitOption.Read(r, minutes);
            string outFolder = r.GetValue(output)!.FullName;
            var options = new CodecTrainOptions
            {
                Steps = r.GetValue(steps), BatchSize = r.GetValue(batch), SegmentFrames = r.GetValue(segment), LearningRate = r.GetValue(lr),
                MinLearningRate = r.GetValue(minLr), WarmupSteps = r.GetValue(warmup), ClipNorm = r.GetValue(clip),
                RestartEvery = r.GetValue(restartEvery), DecoderOnly = r.GetValue(decoderOnly), Seed = r.GetValue(seed),
                Adversarial = r.GetValue(adversarial), DiscriminatorWidth = r.GetValue(discriminatorWidth),
                ScaleDiscriminators = r.GetValue(scales), MelWeight = r.GetValue(melWeight),
                StftWeight = r.GetValue(stftWeight), VqWeight = r.GetValue(vqWeight), PitchWeight = r.GetValue(pitchWeight), AdversarialWeight = r.GetValue(adversarialWeight),
                FeatureMatchingWeight = r.GetValue(featureWeight),
                CheckpointEvery = r.GetValue(checkpointEvery), LogEvery = r.GetValue(logEvery),
            }.Validate();
            var resumeFile = r.GetValue(resume);
            var startFile = r.GetValue(startFrom);
            if (resumeFile is not null && startFile is not null) throw new ArgumentException("--resume and --start-from exclude each other.");
            if (resumeFile is not null && r.GetValue(width) is not null)
                throw new ArgumentException("--width cannot change a resumed run (its checkpoint's configuration is used); use --start-from with --decoder-only for a new generator.");
            var sizes = CodecConfig(r.GetValue(config), r.GetValue(width) ?? DefaultGeneratorWidth, r.GetValue(encoderWidth), r.GetValue(groups), r.GetValue(levels), r.GetValue(codebookSize));
            var checkpoint = (resumeFile ?? startFile) is { } file ? CodecCheckpoint.Load(file.FullName) : null;
            var corpus = WaveformCorpus.Load(r.GetValue(audio)!.FullName, checkpoint?.Config.SamplingRate ?? sizes.SamplingRate, Console.Out, r.GetValue(skip));
            using var trainer = checkpoint is null ? new CodecObjective(sizes, options, corpus, outFolder, Console.Out)
                : resumeFile is not null ? CodecObjective.Resume(checkpoint, corpus, outFolder, Console.Out)
                : CodecObjective.StartFrom(checkpoint, options, corpus, outFolder, Console.Out, r.GetValue(width));
            Directory.CreateDirectory(outFolder); // only once every input has been checked (the trainer's own checks included)
            int done = trainer.Train(r.GetValue(stopAfter), limit);
            CodecLossCurve.Save(Path.Combine(outFolder, "loss.png"), trainer.History);
            var fragment = trainer.Export(Path.Combine(outFolder, "codec"));
            Console.WriteLine($"step {done}: checkpoint {Path.Combine(outFolder, CodecObjective.CheckpointFile)}; codec fragment {Path.GetDirectoryName(fragment.EncoderPath)}");
            return 0;
        }));
        return command;
    }

    private const int DefaultGeneratorWidth = 128;

    // Hop 320 at 16 kHz (50 frames/s, the semantic token rate) unless a config file says otherwise.
    private static HifiCodecConfig CodecConfig(FileInfo? file, int width, int encoderWidth, int groups, int levels, int codebookSize)
    {
        var baseline = file is not null ? HifiCodecConfig.Load(file.FullName)
            : new HifiCodecConfig(new[] { 8, 5, 4, 2 }, new[] { 16, 11, 8, 4 }, width, new[] { 3, 7 }, new[] { new[] { 1, 3, 5 }, new[] { 1, 3, 5 } },
                16000, groups, codebookSize, levels, encoderWidth);
        baseline.Validate(file?.FullName ?? "train-codec options");
        return baseline;
    }
}
