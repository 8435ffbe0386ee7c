using System.CommandLine;
using SoundStorm.Trainer.Preparation;

namespace SoundStorm.Trainer.Cli;

/// <summary><c>soundstorm-train prepare</c>: a folder of speech → a token dataset, with a package's semantic and codec_encoder graphs.</summary>
internal static class PrepareCommand
{
    public static Command Create()
    {
        var audio = new Option<DirectoryInfo>("--audio") { Description = "Folder of .wav files: <speaker>/<utterance>.wav (or <utterance>.wav without speaker); any rate, resampled.", Required = true };
        var model = new Option<FileInfo>("--model") { Description = "Model package (folder or zip) with 'semantic' and 'codec_encoder' graphs.", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Dataset folder to write (dataset.json + <id>/semantic.npy, <id>/acoustic.npy).", Required = true };
        var skip = new Option<bool>("--skip-bad-files") { Description = "Leave out unreadable or too-short files with a warning instead of stopping." };
        var command = new Command("prepare", "Tokenize a folder of speech into a training dataset.") { audio, model, output, skip };
        command.SetAction(r => TrainerErrors.Guard(() =>
        {
            var result = DatasetPreparer.Prepare(r.GetValue(audio)!.FullName, r.GetValue(model)!.FullName, r.GetValue(output)!.FullName,
                r.GetValue(skip), Console.Out);
            if (result.Skipped.Count > 0) Console.Error.WriteLine($"warning: {result.Skipped.Count} file(s) skipped (see above).");
            return 0;
        }));
        return command;
    }
}
