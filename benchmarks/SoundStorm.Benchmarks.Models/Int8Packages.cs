using SoundStorm.Export.Onnx;
using SoundStorm.Export.Onnx.Quantization;
using SoundStorm.Export.Packaging;

namespace SoundStorm.Benchmarks.Models;

/// <summary>
/// An int8 form of a real float32 package: its transformer (and the transformer's fused alternative) quantised with a
/// given count of float32 edge blocks, every other graph as it is.
/// </summary>
internal static class Int8Packages
{
    public static string Write(string cache, string float32Folder, int floatEdgeBlocks)
    {
        var manifest = ModelManifest.FromJson(File.ReadAllText(Path.Combine(float32Folder, ModelManifest.FileName)));
        string folder = Path.Combine(cache, "int8-forms", $"{manifest.Name}-edges{floatEdgeBlocks}");
        string graphs = Path.Combine(folder, "graphs");
        Directory.CreateDirectory(graphs);
        var builder = new ModelPackageBuilder(manifest);
        foreach (var (role, entry) in manifest.Graphs)
        {
            string Quantised(string file, string name)
            {
                if (role != GraphNames.Transformer) return file;
                string quantised = Path.Combine(graphs, name);
                Int8MatMuls.Quantize(OnnxModel.Load(file), out _, new Int8Options { FloatEdgeBlocks = floatEdgeBlocks }).Save(quantised);
                return quantised;
            }
            builder.AddGraph(role, Quantised(Path.Combine(float32Folder, entry.File), role + ".onnx"));
            // The fused alternative (what CPU and CUDA sessions open) is quantised the same way, as pack --int8 does.
            if (entry.Fused is { } fused) builder.AddFusedVariant(role, Quantised(Path.Combine(float32Folder, fused.File), role + ".fused.onnx"));
        }
        string package = Path.Combine(folder, "package");
        if (Directory.Exists(package)) Directory.Delete(package, recursive: true);
        builder.WriteFolder(package);
        return package;
    }
}
