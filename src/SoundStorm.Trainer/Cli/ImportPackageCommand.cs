using System.CommandLine;
using SoundStorm.Trainer.Paper;

namespace SoundStorm.Trainer.Cli;

/// <summary>
/// <c>soundstorm-train import-package</c>: a paper-family model package → a training checkpoint holding its weights
/// (see <see cref="PackageCheckpointImporter"/>), to continue training a model whose checkpoint is not at hand.
/// </summary>
internal static class ImportPackageCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "A paper-family model package (folder, zip or manifest.json), e.g. models/default.", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Checkpoint file to write (a new file), for 'train --start-from' or 'remap-units'.", Required = true };
        var command = new Command("import-package",
            "Read a paper-family model package's acoustic weights back into a training checkpoint (float16-stored weights come back as float32).")
            { model, output };
        command.SetAction(result => TrainerErrors.Guard(() =>
        {
            string path = result.GetValue(output)!.FullName;
            var config = PackageCheckpointImporter.Import(result.GetValue(model)!.FullName, path);
            Console.WriteLine($"{config.Layers} layers × {config.Dim} (Q={config.Codebooks}, V={config.CodebookSize}, K={config.SemanticVocab}) → {path}");
            return 0;
        }));
        return command;
    }
}
