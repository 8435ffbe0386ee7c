using System.CommandLine;
using SoundStorm.Export.Text;
using SoundStorm.Trainer.Text;
using SoundStorm.Trainer.Text.Autoregressive;

namespace SoundStorm.Trainer.Cli;

/// <summary>
/// <c>soundstorm-train train-text</c>: a text-to-semantic model on a dataset of scripts/corpus/text-units-dataset.py —
/// the duration model (phones → durations → semantic units; <c>export</c> turns it into a fragment for
/// <c>soundstorm pack --text</c>) or, with <c>--architecture autoregressive</c>, the autoregressive one (phones → the
/// unit sequence; measured through <c>sample-text</c>). Writes a resumable checkpoint.
/// </summary>
internal static class TrainTextCommand
{
    public static Command Create()
    {
        var d = new TextTrainOptions();
        var c = new TextToSemanticConfig();
        var data = new Option<DirectoryInfo>("--data") { Description = "Text-units dataset folder (dataset.json + <id>/phones.npy, durations.npy, units.npy).", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Run folder: checkpoint.safetensors is written here.", Required = true };
        var resume = new Option<FileInfo?>("--resume") { Description = "Continue from this checkpoint (its model and training settings are used)." };
        var stopAfter = new Option<int?>("--stop-after") { Description = "Stop (with a checkpoint) after this step." };
        var minutes = TimeLimitOption.Create();
        var threads = TorchThreadsOption.Create();
        var architecture = new Option<string>("--architecture") { Description = "duration (phones → durations → units) or autoregressive (phones → the unit sequence).", DefaultValueFactory = _ => "duration" };
        architecture.AcceptOnlyFromAmong("duration", "autoregressive");
        var layers = new Option<int>("--layers") { Description = "Transformer blocks of the autoregressive model.", DefaultValueFactory = _ => new AutoregressiveTextConfig().Layers };
        var dim = new Option<int>("--dim") { Description = "Model width.", DefaultValueFactory = _ => c.Dim };
        var encoderLayers = new Option<int>("--encoder-layers") { Description = "Conformer blocks over the phones.", DefaultValueFactory = _ => c.EncoderLayers };
        var decoderLayers = new Option<int>("--decoder-layers") { Description = "Conformer blocks over the frames.", DefaultValueFactory = _ => c.DecoderLayers };
        var heads = new Option<int>("--heads") { Description = "Attention heads.", DefaultValueFactory = _ => c.Heads };
        var feedForward = new Option<int>("--feed-forward") { Description = "Feed-forward width.", DefaultValueFactory = _ => c.FeedForward };
        var steps = new Option<int>("--steps") { Description = "Total optimiser steps.", DefaultValueFactory = _ => d.Steps };
        var batch = new Option<int>("--batch-size") { Description = "Utterances per batch.", DefaultValueFactory = _ => d.BatchSize };
        var maxFrames = new Option<int>("--max-frames") { Description = "Longest stretch of frames taken from one utterance.", DefaultValueFactory = _ => d.MaxFrames };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate.", DefaultValueFactory = _ => d.LearningRate };
        var minLr = new Option<double>("--min-lr") { Description = "Learning rate at the end of the cosine decay.", DefaultValueFactory = _ => d.MinLearningRate };
        var warmup = new Option<int>("--warmup") { Description = "Linear warm-up steps.", DefaultValueFactory = _ => d.WarmupSteps };
        var durationWeight = new Option<double>("--duration-weight") { Description = "Weight of the duration loss.", DefaultValueFactory = _ => d.DurationWeight };
        var seed = new Option<long>("--seed") { Description = "Seed of initialisation, data order and crops.", DefaultValueFactory = _ => d.Seed };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Checkpoint and validation interval in steps.", DefaultValueFactory = _ => d.CheckpointEvery };
        var logEvery = new Option<int>("--log-every") { Description = "Progress line interval in steps.", DefaultValueFactory = _ => d.LogEvery };
        var command = new Command("train-text", "Train the text-to-semantic model (phones → durations → semantic units) on forced-aligned speech.")
        {
            data, output, resume, stopAfter, minutes, threads, architecture, layers, dim, encoderLayers, decoderLayers, heads, feedForward, steps, batch, maxFrames, lr, minLr,
            warmup, durationWeight, seed, checkpointEvery, logEvery,
        };
        command.SetAction(r => TrainerErrors.Guard(() =>
        {
            TorchThreadsOption.Apply(r, threads);
            var limit = TimeLimitOption.Read(r, minutes);
            string outFolder = r.GetValue(output)!.FullName;
            Directory.CreateDirectory(outFolder);
            var dataset = TextUnitsDataset.Load(r.GetValue(data)!.FullName);
            TextObjective trainer;
            if (r.GetValue(resume) is { } checkpoint) trainer = TextObjective.Resume(checkpoint.FullName, dataset, outFolder, Console.Out);
            else
            {
                bool autoregressive = r.GetValue(architecture) == "autoregressive";
                ITextUnitsNetwork network = autoregressive
                    ? new AutoregressiveTextNetwork(new AutoregressiveTextConfig
                    {
                        Phones = dataset.Phones.Count, Units = dataset.Units, Dim = r.GetValue(dim), Layers = r.GetValue(layers), Heads = r.GetValue(heads),
                        FeedForward = r.GetValue(feedForward),
                    })
                    : new DurationTextNetwork(new TextToSemanticConfig
                    {
                        Phones = dataset.Phones.Count, Units = dataset.Units, Dim = r.GetValue(dim), EncoderLayers = r.GetValue(encoderLayers),
                        DecoderLayers = r.GetValue(decoderLayers), Heads = r.GetValue(heads), FeedForward = r.GetValue(feedForward),
                    });
                var options = new TextTrainOptions
                {
                    Steps = r.GetValue(steps), BatchSize = r.GetValue(batch), MaxFrames = r.GetValue(maxFrames), LearningRate = r.GetValue(lr),
                    MinLearningRate = r.GetValue(minLr), WarmupSteps = r.GetValue(warmup), DurationWeight = r.GetValue(durationWeight),
                    Seed = r.GetValue(seed), CheckpointEvery = r.GetValue(checkpointEvery), LogEvery = r.GetValue(logEvery),
                };
                long frames = dataset.Utterances.Sum(u => (long)u.Units.Length);
                Console.WriteLine($"data: {dataset.Utterances.Count} utterances, {frames} frames ({frames / 50.0 / 3600:F2} h at 50 Hz), {dataset.Phones.Count} phones, {dataset.Units} units; " +
                    $"model: {network.ConfigJson()}");
                trainer = new TextObjective(network, options, dataset, outFolder, Console.Out);
            }
            using (trainer)
            {
                trainer.Run(r.GetValue(stopAfter), limit);
                Console.WriteLine($"checkpoint at step {trainer.Step}: {Path.Combine(outFolder, TextObjective.CheckpointFile)}");
            }
            return 0;
        }));
        return command;
    }
}
