using SoundStorm.Export.Onnx;
using SoundStorm.Export.Onnx.Blocks;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Acoustic;

/// <summary>The seed model's shallow U-Net pieces over the (codebook, frame) grid, as node emitters.</summary>
internal static class SeedUNet
{
    /// <summary>
    /// [Conv2d 3×3 (no bias) → BatchNorm2d → ReLU] × 2, state-dict names <c>prefix.double_conv.{0,1,3,4}</c>. With
    /// <paramref name="keep"/> ([B, 1, 1, T], 0 at padding frames) each convolution sees zeros at padding frames, so
    /// a batch padded to a common length gives the same values as each request alone.
    /// </summary>
    public static GraphValue DoubleConv(OnnxGraphBuilder g, GraphValue x, WeightSet w, string prefix, long inChannels, long outChannels, GraphValue? keep = null)
    {
        var spec = ConvSpec.TwoD(padding: 1, bias: false);
        GraphValue Masked(GraphValue v) => keep is { } k ? g.Mul(v, k) : v;
        var h = Nn.Conv2d(g, Masked(x), w, $"{prefix}.double_conv.0", inChannels, outChannels, 3, spec);
        h = g.Relu(Nn.BatchNorm(g, h, w, $"{prefix}.double_conv.1", outChannels));
        h = Nn.Conv2d(g, Masked(h), w, $"{prefix}.double_conv.3", outChannels, outChannels, 3, spec);
        return g.Relu(Nn.BatchNorm(g, h, w, $"{prefix}.double_conv.4", outChannels));
    }

    /// <summary>Rows 0..len−1 of a position table, where len is <paramref name="sequence"/>'s size on axis 1.</summary>
    public static GraphValue Positions(OnnxGraphBuilder g, GraphValue sequence, WeightSet w, string tableName, long rows, long dim)
    {
        string name = tableName + ".weight";
        var table = g.Initializer(name, TensorData.FromFloat(w.Get(name, rows, dim).Data, rows, dim));
        var length = g.Slice(g.Shape(sequence), new long[] { 1 }, new long[] { 2 }, new long[] { 0 });
        return g.Node("Slice", new[] { table, g.Int64s(0), length, g.Int64s(0) });
    }
}
