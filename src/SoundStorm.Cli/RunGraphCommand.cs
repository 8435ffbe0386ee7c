using System.CommandLine;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SoundStorm.Export.NumPy;
using SoundStorm.Export.Packaging;

namespace SoundStorm.Cli;

/// <summary>
/// <c>soundstorm run-graph --graph G.onnx --in NAME=FILE.npy ... --out-dir DIR</c>: runs any graph on .npy inputs
/// and writes each output as DIR/&lt;output name&gt;.npy — for checking an export against another framework. Integer
/// inputs are checked by <see cref="GraphIndices"/> as <c>decode</c>'s codes are: a negative index is refused.
/// </summary>
internal static class RunGraphCommand
{
    public static Command Create()
    {
        var graph = new Option<FileInfo>("--graph") { Description = "The ONNX graph to run.", Required = true };
        var inputs = new Option<string[]>("--in") { Description = "NAME=FILE.npy, once per graph input.", AllowMultipleArgumentsPerToken = true, Required = true };
        var outDir = new Option<DirectoryInfo>("--out-dir") { Description = "Folder for <output name>.npy files.", Required = true };
        var command = new Command("run-graph", "Run an ONNX graph on .npy inputs and write its outputs as .npy files.") { graph, inputs, outDir };
        command.SetAction(result => CliErrors.Guard(() => Run(result.GetValue(graph)!, result.GetValue(inputs)!, result.GetValue(outDir)!)));
        return command;
    }

    internal static int Run(FileInfo graph, IReadOnlyList<string> inputs, DirectoryInfo outDir)
    {
        if (!graph.Exists) throw new CliException($"Graph '{graph.FullName}' does not exist.");
        using var session = new InferenceSession(graph.FullName);
        var feeds = new Dictionary<string, OrtValue>(StringComparer.Ordinal);
        try
        {
            foreach (string pair in inputs)
            {
                int eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0) throw new CliException($"--in '{pair}': expected NAME=FILE.npy.");
                string name = pair[..eq], file = pair[(eq + 1)..];
                if (!session.InputMetadata.TryGetValue(name, out var meta))
                    throw new CliException($"--in '{name}': the graph has no such input (inputs: {string.Join(", ", session.InputNames)}).");
                if (feeds.ContainsKey(name)) throw new CliException($"--in '{name}' is given twice.");
                var array = NpyFile.Read(file);
                if (array.Shape.Count != meta.Dimensions.Length)
                    throw new CliException($"--in '{name}' ({file}): the graph expects rank {meta.Dimensions.Length}, the file has shape ({string.Join(", ", array.Shape)}).");
                for (int d = 0; d < meta.Dimensions.Length; d++)
                    if (meta.Dimensions[d] > 0 && meta.Dimensions[d] != array.Shape[d])
                        throw new CliException($"--in '{name}' ({file}): dimension {d} must be {meta.Dimensions[d]}, found {array.Shape[d]}.");
                feeds[name] = NpyTensors.ToOrtValue(name, array, meta.ElementDataType);
                // Checked once the file's type is known to fit the input (an integer input took an integer file).
                if (IsInteger(meta.ElementDataType))
                    GraphIndices.ThrowIfOutOfRange(array.ToInt64(), array.Shape.ToArray(), null, $"--in '{name}' ({file})");
            }
            var missing = session.InputNames.Where(n => !feeds.ContainsKey(n)).ToArray();
            if (missing.Length > 0) throw new CliException($"Missing --in for graph input(s): {string.Join(", ", missing)}.");

            using var runOptions = new RunOptions();
            var names = feeds.Keys.ToArray();
            using var outputs = session.Run(runOptions, names, names.Select(n => feeds[n]).ToArray(), session.OutputNames);
            outDir.Create();
            for (int i = 0; i < outputs.Count; i++)
            {
                string path = Path.Combine(outDir.FullName, SafeFileName(session.OutputNames[i]) + ".npy");
                NpyFile.Write(path, NpyTensors.ToNpy(outputs[i]));
                Console.WriteLine($"{session.OutputNames[i]} → {path}");
            }
            return 0;
        }
        finally
        {
            foreach (var value in feeds.Values) value.Dispose();
        }
    }

    // Every integer input of the graph contract indexes a table (codes, ids, levels, steps), as decode's codes do.
    private static bool IsInteger(TensorElementType type) => type is TensorElementType.Int64 or TensorElementType.Int32
        or TensorElementType.Int16 or TensorElementType.Int8;

    private static string SafeFileName(string name)
    {
        var invalid = Path.GetInvalidFileNameChars();
        return new string(name.Select(c => invalid.Contains(c) || c == '/' ? '_' : c).ToArray());
    }
}
