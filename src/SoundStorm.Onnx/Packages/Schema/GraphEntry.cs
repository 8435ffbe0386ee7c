using Microsoft.ML.OnnxRuntime;

#if PACKAGE_WRITER
namespace SoundStorm.Export.Packaging;
#else
namespace SoundStorm.Onnx.Packages;
#endif

// A graph entry of manifest.json and its parts: the fused variant and the declared inputs and outputs.

/// <summary>One graph file of a package with its checksum and declared signature.</summary>
sealed partial class GraphEntry
{
    /// <summary>File name relative to the package root (forward slashes; no <c>..</c>).</summary>
    public string File { get; set; } = "";

    /// <summary>Lower-case hex SHA-256 of the file.</summary>
    public string Sha256 { get; set; } = "";

    /// <summary>The graph's inputs.</summary>
    public List<TensorSpec> Inputs { get; set; } = [];

    /// <summary>The graph's outputs.</summary>
    public List<TensorSpec> Outputs { get; set; } = [];

    /// <summary>
    /// Optional: how the graph's weights are quantised, as the exporter recorded it in the graph's metadata
    /// (<c>int8-dynamic</c>: its large weight matrices are int8 per output channel and activations are quantised when
    /// the graph runs; <c>int8-dynamic/float-edges-N</c>: the same, with the first and last N transformer blocks'
    /// feed-forward and convolution matrices kept in float32). Absent: float32 weights. Informational: ONNX Runtime runs either kind of graph the same way.
    /// </summary>
    public string? Quantization { get; set; }

    /// <summary>
    /// Optional: the same graph written with ONNX Runtime's fused <c>com.microsoft</c> operators (same inputs and outputs),
    /// opened instead of <see cref="File"/> on the CPU and CUDA providers unless <see cref="SessionSettings.PreferStandardGraphs"/>
    /// is set; DirectML always opens <see cref="File"/>. Absent: every provider opens <see cref="File"/>.
    /// </summary>
    public GraphVariant? Fused { get; set; }

    /// <summary>The files of this graph: <see cref="File"/> under field <c>file</c>, then the fused one (if any) under <c>fused.file</c>.</summary>
    internal IEnumerable<(string Field, string File, string Sha256)> Files()
    {
        yield return ("", File, Sha256);
        if (Fused is { } f) yield return ("fused.", f.File, f.Sha256);
    }

    /// <summary>
    /// Describes a graph file as a package stores it: its SHA-256 and, unless given, the inputs and outputs ONNX Runtime
    /// reads from the file itself.
    /// </summary>
    /// <param name="onnxFile">The graph file.</param>
    /// <param name="storedName">The file's name inside the package.</param>
    /// <param name="inputs">Declared inputs, or null to read them from the file.</param>
    /// <param name="outputs">Declared outputs, or null to read them from the file.</param>
    public static GraphEntry Describe(string onnxFile, string storedName, IEnumerable<TensorSpec>? inputs = null, IEnumerable<TensorSpec>? outputs = null)
    {
        var entry = new GraphEntry { File = storedName, Sha256 = PackageHashes.Compute(onnxFile) };
        if (inputs is null || outputs is null)
        {
            using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
            using var session = new InferenceSession(onnxFile, options);
            entry.Inputs = inputs?.ToList() ?? GraphSignature.Read(session.InputMetadata);
            entry.Outputs = outputs?.ToList() ?? GraphSignature.Read(session.OutputMetadata);
        }
        else
        {
            entry.Inputs = [.. inputs];
            entry.Outputs = [.. outputs];
        }
        return entry;
    }
}

/// <summary>
/// An alternative file for a graph (<see cref="GraphEntry.Fused"/>): the same network, inputs and outputs, written with
/// operators only some execution providers run.
/// </summary>
sealed partial class GraphVariant
{
    /// <summary>File name relative to the package root (forward slashes; no <c>..</c>).</summary>
    public string File { get; set; } = "";

    /// <summary>Lower-case hex SHA-256 of the file.</summary>
    public string Sha256 { get; set; } = "";
}

/// <summary>A graph input or output as the manifest declares it.</summary>
sealed partial class TensorSpec
{
    /// <summary>The input/output name in the ONNX graph.</summary>
    public string Name { get; set; } = "";

    /// <summary>Element type: <c>float</c>, <c>float16</c>, <c>double</c>, <c>int64</c>, <c>int32</c>, <c>int8</c>, <c>uint8</c> or <c>bool</c>.</summary>
    public string ElementType { get; set; } = "";

    /// <summary>The dimensions, fixed or symbolic.</summary>
    public List<TensorDimension> Shape { get; set; } = [];

    /// <summary>Creates a spec.</summary>
    public static TensorSpec Of(string name, string elementType, params TensorDimension[] shape) =>
        new() { Name = name, ElementType = elementType, Shape = [.. shape] };

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {ElementType}[{string.Join(", ", Shape)}]";
}
