using SoundStorm.Export.Onnx;
using SoundStorm.Export.Onnx.Blocks;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Codec;

/// <summary>
/// Writes <c>codec_encoder</c>: waveform float [batch, samples] → codes int64 [batch, frames, L·G] with
/// frames = ⌊samples / hop⌋ (samples ≥ hop). Weights are the folded (dense) tensors named <c>encoder.*</c> and
/// <c>quantizer.*</c>.
/// </summary>
public static class HifiCodecEncoderGraph
{
    /// <summary>
    /// Builds the graph. With <paramref name="exposeIntermediates"/> it also outputs <c>enc_stage{i}_out</c>,
    /// <c>encoder_out</c> (latent [B, D, T]) and <c>quantized</c> (Σ levels of codewords [B, D, T]) for checking
    /// against the PyTorch reference.
    /// </summary>
    public static OnnxModel Build(HifiCodecConfig c, WeightSet w, bool exposeIntermediates = false)
    {
        var g = new OnnxGraphBuilder("codec_encoder");
        var waveform = g.Input(HifiCodecGraphs.Waveform, ElementType.Float, "batch", "samples");
        var taps = new CodecTaps(g, exposeIntermediates);
        var latent = Encoder(g, g.Unsqueeze(waveform, 1), c, w, taps);
        taps.Add(latent, "encoder_out", "batch", c.LatentDim, "frames");
        var quantized = GroupResidualQuantizer.Quantize(g, latent, c, w);
        taps.Add(quantized.Latent, "quantized", "batch", c.LatentDim, "frames");
        g.Output(quantized.Codes, HifiCodecGraphs.Codes, ElementType.Int64, "batch", "frames", c.CodesPerFrame);
        return taps.Build(c, "codec_encoder");
    }

    /// <summary>
    /// conv_pre, then per stage: lrelu → strided conv → Σ resblocks with a GroupNorm after each partial sum, ÷ count;
    /// then lrelu(0.01) → conv_post. Stage outputs are added to <paramref name="taps"/>.
    /// </summary>
    private static GraphValue Encoder(OnnxGraphBuilder g, GraphValue x, HifiCodecConfig c, WeightSet w, CodecTaps taps)
    {
        using var scope = g.Scope("encoder");
        x = Nn.Conv1d(g, x, w, "encoder.conv_pre", 1, c.EncoderInitialChannel, 7, ConvSpec.OneD(padding: 3));
        for (int i = 0; i < c.Stages; i++)
        {
            int ch = c.EncoderChannels(i), kernel = c.EncoderKernel(i), stride = c.EncoderStride(i);
            x = g.LeakyRelu(x, HifiCodecConfig.LeakySlope);
            x = Nn.Conv1d(g, x, w, $"encoder.ups.{i}", ch / 2, ch, kernel,
                ConvSpec.OneD(stride: stride, padding: HifiCodecConfig.StridedPadding(kernel, stride)));
            GraphValue? sum = null;
            for (int j = 0; j < c.KernelsPerStage; j++)
            {
                int index = i * c.KernelsPerStage + j;
                var r = ResBlock1Emitter.Emit(g, x, w, $"encoder.resblocks.{index}", ch, c.EncoderResblockKernel(j), c.EncoderResblockDilations(j));
                sum = sum is null ? r : g.Add(sum.Value, r);
                // Upstream normalises the running sum after every addition, not each resblock's own output.
                sum = Nn.GroupNorm(g, sum.Value, w, $"encoder.normalize.{index}", c.EncoderNormGroups(i), ch, HifiCodecConfig.GroupNormEps);
            }
            x = g.Div(sum!.Value, g.FloatScalar(c.KernelsPerStage));
            taps.Add(x, $"enc_stage{i}_out", "batch", ch, $"enc_stage{i}_length");
        }
        x = g.LeakyRelu(x, HifiCodecConfig.EncoderPostSlope);
        return Nn.Conv1d(g, x, w, "encoder.conv_post", c.LatentDim, c.LatentDim, 3, ConvSpec.OneD(padding: 1));
    }
}
