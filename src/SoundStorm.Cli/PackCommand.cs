using System.CommandLine;
using SoundStorm.Export.Onnx;
using SoundStorm.Export.Packaging;

namespace SoundStorm.Cli;

/// <summary><c>soundstorm pack --acoustic DIR [--codec DIR] [--semantic DIR] [--text DIR] [--float16-weights] [--int8 [--int8-float-edges N]] --out PACKAGE</c>: assemble imported parts into a package.</summary>
internal static class PackCommand
{
    public static Command Create()
    {
        var acoustic = new Option<DirectoryInfo>("--acoustic") { Description = "Folder written by an acoustic-model import or export.", Required = true };
        var codec = new Option<DirectoryInfo?>("--codec") { Description = "Folder written by 'import hificodec'." };
        var semantic = new Option<DirectoryInfo?>("--semantic") { Description = "Folder written by 'import hubert'." };
        var text = new Option<DirectoryInfo?>("--text") { Description = "Folder written by 'soundstorm-train export' of a train-text run (text to speech)." };
        var name = new Option<string?>("--name") { Description = "Package name for the manifest." };
        var output = new Option<string>("--out") { Description = "Package folder, or a path ending in .zip.", Required = true };
        var half = new Option<bool>("--float16-weights") { Description = "Store large weights as float16 (half the size; ONNX Runtime still computes in float32)." };
        var int8 = new Option<bool>("--int8") { Description = "Quantise the acoustic transformer's weight matrices to int8 (activations quantised at run time): faster on CPUs with int8 dot-product instructions." };
        var edges = new Option<int>("--int8-float-edges")
        {
            Description = "With --int8: blocks at each end of the transformer whose feed-forward and convolution matrices stay float32 (more: closer to float32, slower; 0: every block int8).",
            DefaultValueFactory = _ => Int8Graphs.DefaultFloatEdgeBlocks,
        };
        var command = new Command("pack", "Assemble imported graphs into one model package with its manifest.") { acoustic, codec, semantic, text, name, output, half, int8, edges };
        command.SetAction(result => CliErrors.Guard(() =>
        {
            var folders = new[] { result.GetValue(acoustic), result.GetValue(codec), result.GetValue(semantic), result.GetValue(text) }
                .Where(d => d is not null).Select(d => d!.FullName).ToArray();
            bool toHalf = result.GetValue(half), toInt8 = result.GetValue(int8);
            int floatEdges = result.GetValue(edges);
            if (floatEdges < 0) throw new CliException($"--int8-float-edges must be 0 or more, found {floatEdges}.");
            if (!toInt8 && result.GetResult(edges) is { Implicit: false }) throw new CliException("--int8-float-edges needs --int8.");
            using var converted = toHalf || toInt8 ? new ConvertedFragments(folders, (role, model) =>
            {
                if (toInt8) model = Int8Graphs.Convert(role, model, floatEdges);
                return toHalf ? Float16Weights.Convert(model) : model;
            }) : null;
            var manifest = PackageAssembler.Assemble(converted?.Folders ?? folders, result.GetValue(output)!, result.GetValue(name));
            Console.WriteLine($"{manifest.ModelFamily} package with {string.Join(", ", manifest.Graphs.Keys)} → {result.GetValue(output)}");
            return 0;
        }));
        return command;
    }
}
