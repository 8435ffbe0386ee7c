using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

#if PACKAGE_WRITER
namespace SoundStorm.Export.Packaging;
#else
namespace SoundStorm.Onnx.Packages;
#endif

/// <summary>Compares a manifest's declared inputs/outputs with what ONNX Runtime reads from the graph file itself.</summary>
internal static class GraphSignature
{
    public static string ElementTypeName(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float",
        TensorElementType.Float16 => "float16",
        TensorElementType.Double => "double",
        TensorElementType.Int64 => "int64",
        TensorElementType.Int32 => "int32",
        TensorElementType.Int8 => "int8",
        TensorElementType.UInt8 => "uint8",
        TensorElementType.Bool => "bool",
        _ => type.ToString().ToLowerInvariant(),
    };

    /// <summary>The specs as the graph declares them (used by the package builder).</summary>
    public static List<TensorSpec> Read(IReadOnlyDictionary<string, NodeMetadata> metadata)
    {
        var specs = new List<TensorSpec>();
        foreach (var (name, node) in metadata)
        {
            var shape = new List<TensorDimension>();
            for (int i = 0; i < node.Dimensions.Length; i++)
                shape.Add(node.Dimensions[i] >= 0 ? TensorDimension.Fixed(node.Dimensions[i])
                    : TensorDimension.Symbolic(string.IsNullOrEmpty(node.SymbolicDimensions[i]) ? "?" : node.SymbolicDimensions[i]));
            specs.Add(new TensorSpec { Name = name, ElementType = ElementTypeName(node.ElementDataType), Shape = shape });
        }
        return specs;
    }

    public static void Verify(string file, string graph, GraphEntry entry, InferenceSession session)
    {
        Verify(file, $"graphs.{graph}.inputs", entry.Inputs, session.InputMetadata);
        Verify(file, $"graphs.{graph}.outputs", entry.Outputs, session.OutputMetadata);
    }

    private static void Verify(string file, string field, List<TensorSpec> declared, IReadOnlyDictionary<string, NodeMetadata> actual)
    {
        var declaredNames = declared.Select(s => s.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        var actualNames = actual.Keys.OrderBy(n => n, StringComparer.Ordinal).ToArray();
        if (!declaredNames.SequenceEqual(actualNames))
            throw new ModelPackageException(file, field, $"the names the manifest declares ({string.Join(", ", declaredNames)})",
                $"({string.Join(", ", actualNames)}) in the graph");
        foreach (var spec in declared)
        {
            var node = actual[spec.Name];
            string type = ElementTypeName(node.ElementDataType);
            if (type != spec.ElementType)
                throw new ModelPackageException(file, $"{field}.{spec.Name}.elementType", $"{spec.ElementType} (manifest)", $"{type} in the graph");
            if (node.Dimensions.Length != spec.Shape.Count)
                throw new ModelPackageException(file, $"{field}.{spec.Name}.shape", $"{spec.Shape.Count} dimensions (manifest)", $"{node.Dimensions.Length} in the graph");
            for (int i = 0; i < spec.Shape.Count; i++)
            {
                var d = spec.Shape[i];
                bool same = d.Size is { } size ? node.Dimensions[i] == size : node.Dimensions[i] < 0 && node.SymbolicDimensions[i] == d.Symbol;
                if (!same)
                {
                    string found = node.Dimensions[i] >= 0 ? node.Dimensions[i].ToString(System.Globalization.CultureInfo.InvariantCulture) : $"'{node.SymbolicDimensions[i]}'";
                    throw new ModelPackageException(file, $"{field}.{spec.Name}.shape[{i}]", $"{d} (manifest)", $"{found} in the graph");
                }
            }
        }
    }
}
