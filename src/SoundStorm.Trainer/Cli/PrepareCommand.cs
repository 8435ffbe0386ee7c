using System.CommandLine;
using SoundStorm.Trainer.Preparation;

namespace SoundStorm.Trainer.Cli;

/// <summary>
/// <c>soundstorm-train prepare</c>: speech → a token dataset, with the semantic and codec_encoder graphs of a package
/// (<c>--model</c>) or of two fragment folders (<c>--codec</c> + <c>--semantic</c>, before any acoustic model exists).
/// The speech is a folder (<c>--audio</c>) or the training rows of a corpus manifest (<c>--manifest</c>).
/// </summary>
internal static class PrepareCommand
{
    public static Command Create()
    {
        var audio = new Option<DirectoryInfo?>("--audio") { Description = "Folder of .wav files: <speaker>/<utterance>.wav (or <utterance>.wav without speaker); any rate, resampled." };
        var manifest = new Option<FileInfo?>("--manifest") { Description = "Instead of --audio: a corpus manifest.tsv (path, voice, …, split); only split=train rows are used, voice = speaker." };
        var model = new Option<FileInfo?>("--model") { Description = "Model package (folder or zip) with 'semantic' and 'codec_encoder' graphs." };
        var codec = new Option<DirectoryInfo?>("--codec") { Description = "Instead of --model: codec fragment folder (fragment.json + codec_encoder graph)." };
        var semantic = new Option<DirectoryInfo?>("--semantic") { Description = "Instead of --model: semantic fragment folder (fragment.json + semantic graph)." };
        var output = new Option<DirectoryInfo>("--out") { Description = "Dataset folder to write (dataset.json + <id>/semantic.npy, <id>/acoustic.npy).", Required = true };
        var skip = new Option<bool>("--skip-bad-files") { Description = "Leave out unreadable or too-short files with a warning instead of stopping." };
        var command = new Command("prepare", "Tokenize speech into a training dataset.") { audio, manifest, model, codec, semantic, output, skip };
        command.SetAction(r => TrainerErrors.Guard(() =>
        {
            var (sources, label) = (r.GetValue(audio), r.GetValue(manifest)) switch
            {
                ({ } folder, null) => (AudioCorpus.Find(folder.FullName), folder.FullName),
                (null, { } file) => (AudioCorpus.FromManifest(file.FullName), file.FullName),
                _ => throw new ArgumentException("Give either --audio FOLDER or --manifest FILE (exactly one)."),
            };
            string outputFolder = r.GetValue(output)!.FullName;
            using var models = (r.GetValue(model), r.GetValue(codec), r.GetValue(semantic)) switch
            {
                ({ } package, null, null) => PrepareModels.FromPackage(package.FullName),
                (null, { } c, { } s) => PrepareModels.FromFragments(c.FullName, s.FullName),
                _ => throw new ArgumentException("Give either --model PACKAGE, or both --codec DIR and --semantic DIR."),
            };
            var result = DatasetPreparer.Prepare(sources, label, models, outputFolder, r.GetValue(skip), Console.Out);
            if (result.Skipped.Count > 0) Console.Error.WriteLine($"warning: {result.Skipped.Count} file(s) skipped (see above).");
            return 0;
        }));
        return command;
    }
}
