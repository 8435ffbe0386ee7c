using SoundStorm.Trainer.Preparation;
using System.CommandLine;
using SoundStorm.Trainer.Semantic.Pretraining;

namespace SoundStorm.Trainer.Cli;

/// <summary>
/// <c>soundstorm-train hubert-units</c>: k-means on a middle layer of a <c>pretrain-hubert</c> checkpoint over the
/// training audio, then the semantic tokenizer fragment (semantic.onnx + fragment) through the HuBERT importer.
/// </summary>
internal static class HubertUnitsCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<FileInfo>("--checkpoint") { Description = "A pretrain-hubert checkpoint.", Required = true };
        var audio = new Option<DirectoryInfo>("--audio") { Description = "Audio folder (with manifest.tsv: only split=train rows).", Required = true };
        var manifest = new Option<FileInfo?>("--manifest") { Description = "Manifest; default <audio>/manifest.tsv when present." };
        var output = new Option<DirectoryInfo>("--out") { Description = "Fragment folder: semantic.onnx, semantic.json, the package fragment, hubert.safetensors, hubert-config.json, kmeans.npy.", Required = true };
        var layer = new Option<int?>("--layer") { Description = "Transformer layer whose output is clustered (1-based); default: the middle one (layers/2, at least 1)." };
        var units = new Option<int>("--units") { Description = "k-means units (the acoustic model's semantic vocabulary).", DefaultValueFactory = _ => 100 };
        var maxFrames = new Option<int>("--max-frames") { Description = "Cluster at most this many randomly chosen frames.", DefaultValueFactory = _ => 200_000 };
        var iterations = new Option<int>("--iterations") { Description = "Lloyd iterations.", DefaultValueFactory = _ => 30 };
        var seed = new Option<long>("--seed") { Description = "Seed of the k-means.", DefaultValueFactory = _ => 1 };
        var threads = TorchThreadsOption.Create();
        var command = new Command("hubert-units", "Cluster a pre-trained HuBERT layer into semantic units and write the semantic tokenizer fragment.")
        {
            checkpoint, audio, manifest, output, layer, units, maxFrames, iterations, seed, threads,
        };
        command.SetAction(r => TrainerErrors.Guard(() =>
        {
            TorchThreadsOption.Apply(r, threads);
            string path = r.GetValue(checkpoint)!.FullName;
            var stored = HubertPretrainCheckpoint.Load(path);
            int chosen = r.GetValue(layer) ?? Math.Max(1, stored.Options.Layers / 2);
            string audioFolder = r.GetValue(audio)!.FullName;
            var files = AudioCorpus.TrainingFiles(audioFolder, r.GetValue(manifest)?.FullName);
            var utterances = PretrainAudio.Load(files, Mfcc.Window, audioFolder, Console.Out);
            var result = HubertUnits.Build(path, utterances, chosen, r.GetValue(units), r.GetValue(output)!.FullName,
                r.GetValue(seed), r.GetValue(maxFrames), r.GetValue(iterations), Console.Out);
            Console.WriteLine($"wrote {result.Import.GraphPath} (layer {result.Import.Layer}, {result.Import.Clusters} units, {result.UsedUnits} used, perplexity {result.Perplexity:F1})");
            return 0;
        }));
        return command;
    }
}
