using SoundStorm.Export.Onnx;
using SoundStorm.Export.Onnx.Blocks;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Codec;

/// <summary>
/// HiFi-GAN's ResBlock1 as ONNX nodes: for each dilation d, x = x + conv2(lrelu(conv1(lrelu(x)))) where conv1 is
/// dilated by d and conv2 is not; both keep the length ("same" padding). Weights <c>{prefix}.convs1.{p}</c>, <c>convs2.{p}</c>.
/// </summary>
internal static class ResBlock1Emitter
{
    public static GraphValue Emit(OnnxGraphBuilder g, GraphValue x, WeightSet w, string prefix, int channels, int kernel, int[] dilations)
    {
        for (int p = 0; p < dilations.Length; p++)
        {
            int d = dilations[p];
            var y = g.LeakyRelu(x, HifiCodecConfig.LeakySlope);
            y = Nn.Conv1d(g, y, w, $"{prefix}.convs1.{p}", channels, channels, kernel, ConvSpec.OneD(padding: d * (kernel - 1) / 2, dilation: d));
            y = g.LeakyRelu(y, HifiCodecConfig.LeakySlope);
            y = Nn.Conv1d(g, y, w, $"{prefix}.convs2.{p}", channels, channels, kernel, ConvSpec.OneD(padding: (kernel - 1) / 2));
            x = g.Add(x, y);
        }
        return x;
    }
}
