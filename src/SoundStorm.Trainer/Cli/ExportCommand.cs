using System.CommandLine;
using SoundStorm.Trainer.Checkpoints;
using SoundStorm.Trainer.Codec.Training;
using SoundStorm.Trainer.Exporting;
using SoundStorm.Trainer.Seed;
using SoundStorm.Trainer.Text;

namespace SoundStorm.Trainer.Cli;

/// <summary>
/// <c>soundstorm-train export</c>: an acoustic-model checkpoint → model package folder; a <c>train-codec</c> checkpoint →
/// codec fragment folder (encoder and decoder graphs, for <c>soundstorm pack --codec</c> or <c>roundtrip --codec</c>).
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<FileInfo>("--checkpoint") { Description = "A checkpoint written by 'train', 'train-codec' or 'train-text' (checkpoint.safetensors).", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write: a package (combiner.onnx, transformer.onnx, manifest.json), or for a codec or text-to-semantic checkpoint its fragment.", Required = true };
        var ema = new Option<bool>("--ema") { Description = "Export the EMA weights instead of the trained weights." };
        var sampleRate = new Option<int>("--sample-rate") { Description = "Audio sample rate of the codec the tokens belong to.", DefaultValueFactory = _ => 16000 };
        var name = new Option<string?>("--name") { Description = "Package name in the manifest (default: the checkpoint's file name)." };
        var command = new Command("export", "Write a model package (or a codec fragment) from a training checkpoint.") { checkpoint, output, ema, sampleRate, name };
        command.SetAction(result => TrainerErrors.Guard(() =>
        {
            string folder = result.GetValue(output)!.FullName;
            string path = result.GetValue(checkpoint)!.FullName;
            if (CheckpointStore.FormatOf(path) == CodecCheckpoint.Format)
            {
                if (result.GetValue(ema)) throw new ArgumentException($"{path}: train-codec runs keep no EMA weights.");
                if (result.GetValue(name) is not null) throw new ArgumentException($"{path}: --name is for model packages; a codec fragment has none.");
                var fragment = CodecObjective.Export(CodecCheckpoint.Load(path), folder);
                Console.WriteLine($"codec fragment (step {fragment.Step}) → {Path.GetDirectoryName(fragment.Result.EncoderPath)}");
                return 0;
            }
            if (TextCheckpoint.IsTextCheckpoint(path))
            {
                if (result.GetValue(ema)) throw new ArgumentException($"{path}: train-text runs keep no EMA weights.");
                if (result.GetValue(name) is not null) throw new ArgumentException($"{path}: --name is for model packages; a text-to-semantic fragment has none.");
                var text = TextCheckpoint.Load(path);
                Console.WriteLine($"text-to-semantic fragment (step {text.Step}) → {Path.GetDirectoryName(TextExporter.Export(text, folder))}");
                return 0;
            }
            var manifest = SeedCheckpoint.IsSeedCheckpoint(path)
                ? (result.GetValue(ema) ? throw new ArgumentException($"{path}: seed-family runs keep no EMA weights.") : SeedPackageExporter.Export(path, folder, result.GetValue(sampleRate), result.GetValue(name)))
                : PackageExporter.Export(path, folder, result.GetValue(ema), result.GetValue(sampleRate), result.GetValue(name));
            Console.WriteLine($"package '{manifest.Name}' ({manifest.ModelFamily}, Q={manifest.Codebooks}, V={manifest.CodebookSize}, K={manifest.SemanticVocabulary}) → {folder}");
            return 0;
        }));
        return command;
    }
}
