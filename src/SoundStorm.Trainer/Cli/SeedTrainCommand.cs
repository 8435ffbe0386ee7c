using System.CommandLine;
using SoundStorm.Export.Import;
using SoundStorm.Trainer.Data;
using SoundStorm.Trainer.Seed;
using SoundStorm.Trainer.Training;
using SoundStorm.Export.Acoustic;

namespace SoundStorm.Trainer.Cli;

/// <summary>
/// <c>soundstorm-train train --family seed</c>: the discrete-diffusion objective, from scratch (sizes from the flags,
/// Q/V/K from dataset.json, table lengths from the data) or fine-tuning an upstream seed checkpoint (<c>--init-from</c>,
/// whose shape wins; its Lt statistics are not in the weights, so timestep sampling restarts uniform).
/// </summary>
internal static class SeedTrainCommand
{
    public static int Run(ParseResult r, string outFolder, Option<DirectoryInfo> data, Option<FileInfo?> resume, Option<FileInfo?> initFrom,
        Option<int?> dim, Option<int?> layers, Option<int?> heads, Option<int> seedPrompt, TrainOptions options)
    {
        var dataset = TokenDataset.Load(r.GetValue(data)!.FullName);
        if (r.GetValue(resume) is { } stored)
        {
            if (r.GetValue(initFrom) is not null) throw new ArgumentException("--resume continues a run and --init-from begins a new one from upstream weights; give one of them.");
            using var resumed = SeedObjective.Resume(stored.FullName, dataset, outFolder, Console.Out);
            Console.WriteLine($"checkpoint: {resumed.Run().CheckpointPath}");
            return 0;
        }
        options = options with { SeedPromptFrames = r.GetValue(seedPrompt) };
        SeedModelConfig config;
        SoundStorm.Export.Weights.WeightSet? initial = null;
        if (r.GetValue(initFrom) is { } checkpoint)
        {
            initial = SeedCheckpointImporter.ReadWeights(checkpoint.FullName);
            int width = (int)initial.Peek("content_emb.embs.0.weight").Shape[1];
            config = SeedModelConfig.InferFrom(initial, r.GetValue(heads) ?? Math.Max(1, width / SeedCheckpointImporter.DefaultHeadDim));
        }
        else
        {
            int longest = dataset.Utterances.Max(u => u.Frames);
            int prompt = options.SeedPromptFrames, target = Math.Min(options.MaxFrames, longest);
            config = new SeedModelConfig
            {
                Dim = r.GetValue(dim) ?? 512, Layers = r.GetValue(layers) ?? 16, Heads = r.GetValue(heads) ?? 8,
                SemanticVocab = dataset.Header.SemanticVocabulary, Codebooks = dataset.Header.Codebooks, CodebookSize = dataset.Header.CodebookSize,
                TimestepRows = 1000, MaxFrames = Math.Max(target, 1), PromptSemanticPositions = prompt + 2, TargetSemanticPositions = target + 2,
                PromptAcousticPositions = Math.Max(prompt, 1), TargetAcousticPositions = Math.Max(target, 1),
            };
        }
        Console.WriteLine($"seed model: {config.Layers} × {config.Dim} ({config.Heads} heads), Q={config.Codebooks} V={config.CodebookSize} K={config.SemanticVocab}; " +
            $"{dataset.Utterances.Count} utterances{(initial is null ? "" : $"; fine-tuning {r.GetValue(initFrom)!.FullName}")}");
        using var trainer = new SeedObjective(config, options, dataset, outFolder, Console.Out, initial);
        var (_, path) = trainer.Run();
        Console.WriteLine($"checkpoint: {path}");
        return 0;
    }
}
