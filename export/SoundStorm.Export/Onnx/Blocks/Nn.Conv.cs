using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Onnx.Blocks;

/// <summary>Convolution settings shared by the 1-D and 2-D emitters (PyTorch meaning).</summary>
/// <param name="Stride">Stride per spatial axis.</param>
/// <param name="Padding">Symmetric zero padding per spatial axis.</param>
/// <param name="Dilation">Dilation per spatial axis.</param>
/// <param name="Groups">Channel groups.</param>
/// <param name="Bias">Whether the module has a bias.</param>
public sealed record ConvSpec(long[] Stride, long[] Padding, long[] Dilation, long Groups = 1, bool Bias = true)
{
    /// <summary>A 1-D convolution's settings.</summary>
    public static ConvSpec OneD(long stride = 1, long padding = 0, long dilation = 1, long groups = 1, bool bias = true) =>
        new(new[] { stride }, new[] { padding }, new[] { dilation }, groups, bias);

    /// <summary>A 2-D convolution's settings (same value on both axes).</summary>
    public static ConvSpec TwoD(long stride = 1, long padding = 0, long dilation = 1, long groups = 1, bool bias = true) =>
        new(new[] { stride, stride }, new[] { padding, padding }, new[] { dilation, dilation }, groups, bias);
}

public static partial class Nn
{
    /// <summary>PyTorch <c>Conv1d</c>: x [B, Cin, T], weight [Cout, Cin/groups, K].</summary>
    public static GraphValue Conv1d(OnnxGraphBuilder g, GraphValue x, WeightSet w, string prefix, long inChannels, long outChannels, long kernel, ConvSpec spec) =>
        Conv(g, x, w, prefix, inChannels, outChannels, new[] { kernel }, spec);

    /// <summary>PyTorch <c>Conv2d</c>: x [B, Cin, H, W], weight [Cout, Cin/groups, Kh, Kw].</summary>
    public static GraphValue Conv2d(OnnxGraphBuilder g, GraphValue x, WeightSet w, string prefix, long inChannels, long outChannels, long kernel, ConvSpec spec) =>
        Conv(g, x, w, prefix, inChannels, outChannels, new[] { kernel, kernel }, spec);

    /// <summary>
    /// PyTorch <c>ConvTranspose1d</c>: x [B, Cin, T], weight [Cin, Cout/groups, K];
    /// output length (T−1)·stride − 2·padding + dilation·(K−1) + outputPadding + 1.
    /// </summary>
    public static GraphValue ConvTranspose1d(OnnxGraphBuilder g, GraphValue x, WeightSet w, string prefix,
        long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0, long outputPadding = 0, long groups = 1, long dilation = 1, bool bias = true)
    {
        var weight = w.Get(prefix + ".weight", inChannels, outChannels / groups, kernel);
        var inputs = new List<GraphValue> { x, g.Initializer(prefix + ".weight", TensorData.FromFloat(weight.Data, weight.Shape)) };
        if (bias) inputs.Add(Param(g, w, prefix + ".bias", outChannels));
        return g.Node("ConvTranspose", inputs,
            NodeAttribute.Ints("kernel_shape", kernel), NodeAttribute.Ints("strides", stride),
            NodeAttribute.Ints("pads", padding, padding), NodeAttribute.Ints("output_padding", outputPadding),
            NodeAttribute.Ints("dilations", dilation), NodeAttribute.Int("group", groups));
    }

    /// <summary>
    /// PyTorch <c>GroupNorm(groups, channels)</c> on x [B, C, ...]. Opset 17 has no GroupNormalization, so it is
    /// InstanceNormalization over [B, groups, rest] followed by the per-channel affine.
    /// </summary>
    public static GraphValue GroupNorm(OnnxGraphBuilder g, GraphValue x, WeightSet w, string prefix, long groups, long channels, float eps = 1e-5f, int spatialRank = 1)
    {
        if (channels % groups != 0) throw new ArgumentException($"GroupNorm '{prefix}': {channels} channels are not divisible by {groups} groups.");
        var shape = g.Shape(x);
        var grouped = g.Reshape(x, 0, groups, -1);
        var ones = g.Constant("gn_ones", TensorData.FromFloat(Filled(groups, 1f), groups));
        var zeros = g.Constant("gn_zeros", TensorData.FromFloat(new float[groups], groups));
        var normalized = g.Reshape(g.Node("InstanceNormalization", new[] { grouped, ones, zeros }, NodeAttribute.Float("epsilon", eps)), shape);
        var affineShape = new long[1 + spatialRank];
        affineShape[0] = channels;
        for (int i = 1; i < affineShape.Length; i++) affineShape[i] = 1;
        var scale = g.Initializer(prefix + ".weight", TensorData.FromFloat(w.Get(prefix + ".weight", channels).Data, affineShape));
        var shift = g.Initializer(prefix + ".bias", TensorData.FromFloat(w.Get(prefix + ".bias", channels).Data, affineShape));
        return g.Add(g.Mul(normalized, scale), shift);
    }

    /// <summary>PyTorch <c>BatchNorm1d/2d</c> in inference mode (running statistics) on x [B, C, ...].</summary>
    public static GraphValue BatchNorm(OnnxGraphBuilder g, GraphValue x, WeightSet w, string prefix, long channels, float eps = 1e-5f) =>
        g.Node("BatchNormalization", new[]
        {
            x, Param(g, w, prefix + ".weight", channels), Param(g, w, prefix + ".bias", channels),
            Param(g, w, prefix + ".running_mean", channels), Param(g, w, prefix + ".running_var", channels),
        }, NodeAttribute.Float("epsilon", eps));

    private static GraphValue Conv(OnnxGraphBuilder g, GraphValue x, WeightSet w, string prefix, long inChannels, long outChannels, long[] kernel, ConvSpec spec)
    {
        if (inChannels % spec.Groups != 0 || outChannels % spec.Groups != 0)
            throw new ArgumentException($"Conv '{prefix}': channels {inChannels}→{outChannels} are not divisible by {spec.Groups} groups.");
        var shape = new long[2 + kernel.Length];
        shape[0] = outChannels;
        shape[1] = inChannels / spec.Groups;
        kernel.CopyTo(shape, 2);
        var weight = w.Get(prefix + ".weight", shape);
        var inputs = new List<GraphValue> { x, g.Initializer(prefix + ".weight", TensorData.FromFloat(weight.Data, shape)) };
        if (spec.Bias) inputs.Add(Param(g, w, prefix + ".bias", outChannels));
        var pads = new long[2 * kernel.Length];
        for (int i = 0; i < kernel.Length; i++) pads[i] = pads[i + kernel.Length] = spec.Padding[i];
        return g.Node("Conv", inputs,
            NodeAttribute.Ints("kernel_shape", kernel), NodeAttribute.Ints("strides", spec.Stride),
            NodeAttribute.Ints("pads", pads), NodeAttribute.Ints("dilations", spec.Dilation), NodeAttribute.Int("group", spec.Groups));
    }
}
