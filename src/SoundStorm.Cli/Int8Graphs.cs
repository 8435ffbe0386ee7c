using SoundStorm.Export.Onnx;
using SoundStorm.Export.Onnx.Quantization;
using SoundStorm.Export.Packaging;

namespace SoundStorm.Cli;

/// <summary>Which graphs <c>--int8</c> quantises, and the conversion itself.</summary>
internal static class Int8Graphs
{
    /// <summary>
    /// The acoustic transformer: it runs once per MaskGIT step (tens of times per clip) and holds nearly all the
    /// weight-matrix work. The combiner is embedding tables (Gather, nothing to quantise); codec and semantic graphs
    /// are convolution-bound and run once per clip, and the semantic k-means distances feed an argmin where a
    /// quantisation error would change tokens outright.
    /// </summary>
    public static IReadOnlySet<string> Roles { get; } = new HashSet<string>(StringComparer.Ordinal) { GraphNames.Transformer };

    /// <summary>
    /// Blocks at each end of the transformer whose feed-forward and convolution matrices stay float32 unless asked
    /// otherwise (<see cref="Int8Options.FloatEdgeBlocks"/>): on the shipped model, quantising them costs most of
    /// the int8 graph's error against float32 (BENCHMARKS.md, "Int8 packages").
    /// </summary>
    public const int DefaultFloatEdgeBlocks = 1;

    /// <summary>The graph of <paramref name="role"/> quantised when it is one of <see cref="Roles"/>; any other comes back unchanged.</summary>
    public static OnnxModel Convert(string role, OnnxModel model, int floatEdgeBlocks = DefaultFloatEdgeBlocks) =>
        Roles.Contains(role) ? Int8MatMuls.Quantize(model, out _, new Int8Options { FloatEdgeBlocks = floatEdgeBlocks }) : model;

    /// <summary>Quantises the <see cref="Roles"/> graphs of the fragment an importer just wrote into <paramref name="folder"/>, in place.</summary>
    public static void QuantizeInPlace(string folder)
    {
        var fragment = PackageFragment.Read(folder);
        foreach (var role in fragment.Graphs.Keys.Where(Roles.Contains))
        {
            string path = fragment.GraphPath(folder, role);
            ConvertedFragments.Convert(path, path, model => Convert(role, model));
        }
    }
}
