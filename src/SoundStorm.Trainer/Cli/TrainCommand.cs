using System.CommandLine;
using SoundStorm.Export.Acoustic;
using SoundStorm.Trainer.Data;
using SoundStorm.Trainer.Paper;
using SoundStorm.Trainer.Training;

namespace SoundStorm.Trainer.Cli;

/// <summary>
/// <c>soundstorm-train train</c>: the level-wise masked objective on a token dataset folder. Sizes not given on the
/// command line (or in <c>--config</c>) are the paper's; Q, V and K always come from dataset.json.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var data = new Option<DirectoryInfo>("--data") { Description = "Token dataset folder (dataset.json + <id>/semantic.npy, <id>/acoustic.npy).", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Run folder: checkpoint.safetensors and loss.png are written here.", Required = true };
        var resume = new Option<FileInfo?>("--resume") { Description = "Continue from this checkpoint (its model and training settings are used)." };
        var startFrom = new Option<FileInfo?>("--start-from") { Description = "Start a new run (fresh optimiser and schedule from the flags) from this checkpoint's model weights; its architecture is used." };
        var minutes = TimeLimitOption.Create();
        var stopAfter = new Option<int?>("--stop-after") { Description = "Stop (with a checkpoint) after this step, e.g. for a time-limited job; resume later." };
        var config = new Option<FileInfo?>("--config") { Description = "Model configuration JSON (PaperModelConfig fields); flags below override it." };
        var dim = new Option<int?>("--dim") { Description = "Model width." };
        var layers = new Option<int?>("--layers") { Description = "Conformer blocks." };
        var heads = new Option<int?>("--heads") { Description = "Attention heads." };
        var feedForward = new Option<int?>("--feed-forward") { Description = "Feed-forward width." };
        var kernel = new Option<int?>("--conv-kernel") { Description = "Depthwise convolution kernel (odd)." };
        var combiner = new Option<CombinerKind?>("--combiner") { Description = "Sum (paper) or UNet (seed-style)." };
        var family = new Option<string>("--family") { Description = "paper (Conformer, level-wise masking) or seed (diffusion U-Net transformer, discrete-diffusion objective).", DefaultValueFactory = _ => "paper" };
        family.AcceptOnlyFromAmong("paper", "seed");
        var initFrom = new Option<FileInfo?>("--init-from") { Description = "Seed family: start from this upstream seed checkpoint (.pth; its 'model' weights) to fine-tune it." };
        var seedPrompt = new Option<int>("--seed-prompt-frames") { Description = "Seed family: prompt length of the upstream prompt/target split (targets are at most --max-frames).", DefaultValueFactory = _ => new TrainOptions().SeedPromptFrames };
        var threads = TorchThreadsOption.Create();
        var defaults = new TrainOptions();
        var steps = new Option<int>("--steps") { Description = "Total optimiser steps.", DefaultValueFactory = _ => defaults.Steps };
        var batch = new Option<int>("--batch-size") { Description = "Utterances per batch.", DefaultValueFactory = _ => defaults.BatchSize };
        var maxFrames = new Option<int>("--max-frames") { Description = "Random crop length for long utterances.", DefaultValueFactory = _ => defaults.MaxFrames };
        var prompt = new Option<double>("--max-prompt-fraction") { Description = "Prompts are 0..fraction·T frames.", DefaultValueFactory = _ => defaults.MaxPromptFraction };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate.", DefaultValueFactory = _ => defaults.LearningRate };
        var minLr = new Option<double>("--min-lr") { Description = "Learning rate at the end of the cosine decay.", DefaultValueFactory = _ => defaults.MinLearningRate };
        var warmup = new Option<int>("--warmup") { Description = "Linear warm-up steps.", DefaultValueFactory = _ => defaults.WarmupSteps };
        var decay = new Option<double>("--weight-decay") { Description = "AdamW weight decay.", DefaultValueFactory = _ => defaults.WeightDecay };
        var clip = new Option<double>("--clip") { Description = "Global gradient-norm limit (0 = off).", DefaultValueFactory = _ => defaults.ClipNorm };
        var ema = new Option<double>("--ema-decay") { Description = "Keep an EMA of the weights with this decay (0 = off).", DefaultValueFactory = _ => defaults.EmaDecay };
        var seed = new Option<long>("--seed") { Description = "Seed of initialisation, data order and masking.", DefaultValueFactory = _ => defaults.Seed };
        var validation = new Option<double>("--validation-fraction") { Description = "Last fraction of dataset.json held out.", DefaultValueFactory = _ => defaults.ValidationFraction };
        var validateEvery = new Option<int>("--validate-every") { Description = "Validation interval in steps (0 = at the end).", DefaultValueFactory = _ => defaults.ValidateEvery };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Checkpoint interval in steps (0 = at the end).", DefaultValueFactory = _ => defaults.CheckpointEvery };
        var logEvery = new Option<int>("--log-every") { Description = "Progress line interval in steps.", DefaultValueFactory = _ => defaults.LogEvery };
        var levelWeights = new Option<string?>("--level-weights")
        {
            Description = "Relative chance of each level being the one an item predicts, comma-separated, one per level (default: uniform). " +
                "E.g. 0.4,0.4,0.1,0.1 for a 2-group codec, whose first two levels are both coarse.",
        };

        var command = new Command("train", "Train a paper-family model (level-wise masked token prediction) on a token dataset.")
        {
            data, output, resume, startFrom, minutes, stopAfter, config, dim, layers, heads, feedForward, kernel, combiner, steps, batch, maxFrames, prompt,
            lr, minLr, warmup, decay, clip, ema, seed, validation, validateEvery, checkpointEvery, logEvery, levelWeights, family, initFrom, seedPrompt, threads,
        };
        command.SetAction(r => TrainerErrors.Guard(() =>
        {
            TorchThreadsOption.Apply(r, threads);
            var timeLimit = TimeLimitOption.Read(r, minutes);
            if (r.GetValue(resume) is not null && r.GetValue(startFrom) is not null)
                throw new ArgumentException("--resume continues a run and --start-from begins a new one from its weights; give one of them.");
            if (r.GetValue(startFrom) is not null && new Option[] { config, dim, layers, heads, feedForward, kernel, combiner }.FirstOrDefault(o => r.GetResult(o) is not null) is { } sizeFlag)
                throw new ArgumentException($"{sizeFlag.Name} cannot change the architecture of a --start-from checkpoint; leave it out.");
            if (r.GetValue(family) == "seed" && (r.GetValue(startFrom) is not null || timeLimit is not null))
                throw new ArgumentException("--start-from and --minutes are paper-family options; the seed family has --init-from and --stop-after.");
            double[]? weights = ParseLevelWeights(r.GetValue(levelWeights));
            if (weights is not null && (r.GetValue(family) == "seed" || r.GetValue(resume) is not null))
                throw new ArgumentException("--level-weights shapes a new paper-family run; a resumed run keeps its own, and the seed family has no levels to weight.");
            string outFolder = r.GetValue(output)!.FullName;
            bool existed = Directory.Exists(outFolder);
            Directory.CreateDirectory(outFolder);
            if (r.GetValue(family) == "seed") return SeedTrainCommand.Run(r, outFolder, data, resume, initFrom, dim, layers, heads, seedPrompt,
                new TrainOptions
                {
                    Steps = r.GetValue(steps), BatchSize = r.GetValue(batch), MaxFrames = r.GetValue(maxFrames),
                    LearningRate = r.GetValue(lr), MinLearningRate = r.GetValue(minLr), WarmupSteps = r.GetValue(warmup), WeightDecay = r.GetValue(decay),
                    ClipNorm = r.GetValue(clip), Seed = r.GetValue(seed), ValidationFraction = r.GetValue(validation),
                    CheckpointEvery = r.GetValue(checkpointEvery), LogEvery = r.GetValue(logEvery),
                });
            if (r.GetValue(initFrom) is not null) throw new ArgumentException("--init-from loads seed checkpoints; use it with --family seed.");
            var options = new TrainOptions
            {
                Steps = r.GetValue(steps), BatchSize = r.GetValue(batch), MaxFrames = r.GetValue(maxFrames), MaxPromptFraction = r.GetValue(prompt),
                LearningRate = r.GetValue(lr), MinLearningRate = r.GetValue(minLr), WarmupSteps = r.GetValue(warmup), WeightDecay = r.GetValue(decay),
                ClipNorm = r.GetValue(clip), EmaDecay = r.GetValue(ema), Seed = r.GetValue(seed), ValidationFraction = r.GetValue(validation),
                ValidateEvery = r.GetValue(validateEvery), CheckpointEvery = r.GetValue(checkpointEvery), LogEvery = r.GetValue(logEvery),
                LevelWeights = weights,
            };
            PaperObjective trainer;
            try
            {
                if ((r.GetValue(resume) ?? r.GetValue(startFrom)) is { } checkpoint)
                {
                    var stored = TrainingCheckpoint.Load(checkpoint.FullName);
                    var dataset = TokenDataset.Load(r.GetValue(data)!.FullName, stored.Config.Codebooks, stored.Config.CodebookSize, stored.Config.SemanticVocab);
                    trainer = r.GetValue(resume) is not null
                        ? PaperObjective.Resume(stored, dataset, outFolder, Console.Out)
                        : PaperObjective.StartFrom(stored, options, dataset, outFolder, Console.Out);
                }
                else
                {
                    var dataset = TokenDataset.Load(r.GetValue(data)!.FullName);
                    var model = (r.GetValue(config) is { } file ? ModelConfigJson.ReadConfig(File.ReadAllText(file.FullName), file.FullName) : new PaperModelConfig()) with
                    {
                        Codebooks = dataset.Header.Codebooks,
                        CodebookSize = dataset.Header.CodebookSize,
                        SemanticVocab = dataset.Header.SemanticVocabulary,
                    };
                    model = model with
                    {
                        Dim = r.GetValue(dim) ?? model.Dim,
                        Layers = r.GetValue(layers) ?? model.Layers,
                        Heads = r.GetValue(heads) ?? model.Heads,
                        FeedForward = r.GetValue(feedForward) ?? model.FeedForward,
                        ConvKernel = r.GetValue(kernel) ?? model.ConvKernel,
                        Combiner = r.GetValue(combiner) ?? model.Combiner,
                    };
                    Console.WriteLine($"model: {model.Layers} × {model.Dim} ({model.Heads} heads, FF {model.FeedForward}, kernel {model.ConvKernel}, {model.Combiner} combiner), " +
                        $"Q={model.Codebooks} V={model.CodebookSize} K={model.SemanticVocab}; {dataset.Utterances.Count} utterances");
                    trainer = new PaperObjective(model, options, dataset, outFolder, Console.Out);
                }
            }
            catch (ArgumentException) when (!existed && !Directory.EnumerateFileSystemEntries(outFolder).Any())
            {
                Directory.Delete(outFolder); // a refused run leaves no folder behind
                throw;
            }
            using (trainer)
            {
                var result = trainer.Run(r.GetValue(stopAfter), timeLimit);
                Console.WriteLine($"checkpoint at step {result.Step}: {result.CheckpointPath}");
            }
            return 0;
        }));
        return command;
    }

    private static double[]? ParseLevelWeights(string? text)
    {
        if (text is null) return null;
        var weights = new List<double>();
        foreach (string part in text.Split(','))
        {
            if (!double.TryParse(part, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double w))
                throw new ArgumentException($"--level-weights '{text}': '{part}' is not a number.");
            weights.Add(w);
        }
        return weights.ToArray();
    }
}
