using System.CommandLine;
using SoundStorm.Trainer.Exporting;

namespace SoundStorm.Trainer.Cli;

/// <summary><c>soundstorm-train export</c>: checkpoint → model package folder.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<FileInfo>("--checkpoint") { Description = "A checkpoint written by 'train' (checkpoint.safetensors).", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Package folder to write (combiner.onnx, transformer.onnx, manifest.json).", Required = true };
        var ema = new Option<bool>("--ema") { Description = "Export the EMA weights instead of the trained weights." };
        var sampleRate = new Option<int>("--sample-rate") { Description = "Audio sample rate of the codec the tokens belong to.", DefaultValueFactory = _ => 16000 };
        var name = new Option<string?>("--name") { Description = "Package name in the manifest (default: the checkpoint's file name)." };
        var command = new Command("export", "Write a model package from a training checkpoint.") { checkpoint, output, ema, sampleRate, name };
        command.SetAction(result => TrainerErrors.Guard(() =>
        {
            string folder = result.GetValue(output)!.FullName;
            string path = result.GetValue(checkpoint)!.FullName;
            var manifest = SoundStorm.Trainer.Seed.SeedCheckpoint.IsSeedCheckpoint(path)
                ? (result.GetValue(ema) ? throw new ArgumentException($"{path}: seed-family runs keep no EMA weights.") : SeedPackageExporter.Export(path, folder, result.GetValue(sampleRate), result.GetValue(name)))
                : PackageExporter.Export(path, folder, result.GetValue(ema), result.GetValue(sampleRate), result.GetValue(name));
            Console.WriteLine($"package '{manifest.Name}' ({manifest.ModelFamily}, Q={manifest.Codebooks}, V={manifest.CodebookSize}, K={manifest.SemanticVocabulary}) → {folder}");
            return 0;
        }));
        return command;
    }
}
