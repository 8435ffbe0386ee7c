using SoundStorm.Export.Onnx;
using SoundStorm.Export.Onnx.Blocks;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Codec;

/// <summary>
/// Writes <c>codec_decoder</c>: codes int64 [batch, frames, L·G] → waveform float [batch, frames·hop] in (−1, 1):
/// codebook lookups summed over levels (groups concatenated) feed the HiFi-GAN generator. Weights are the folded
/// tensors named <c>quantizer.*</c> and <c>generator.*</c>.
/// </summary>
public static class HifiCodecDecoderGraph
{
    /// <summary>
    /// Builds the graph. With <paramref name="exposeIntermediates"/> it also outputs <c>dequantized</c>,
    /// <c>dequantized_level{l}</c>, <c>gen_conv_pre_out</c>, <c>gen_ups{i}_out</c> and <c>gen_conv_post_out</c> (before tanh).
    /// </summary>
    public static OnnxModel Build(HifiCodecConfig c, WeightSet w, bool exposeIntermediates = false)
    {
        var g = new OnnxGraphBuilder("codec_decoder");
        var codes = g.Input(HifiCodecGraphs.Codes, ElementType.Int64, "batch", "frames", c.CodesPerFrame);
        var taps = new CodecTaps(g, exposeIntermediates);
        var levels = GroupResidualQuantizer.DequantizeLevels(g, codes, c, w);
        var latent = levels[0];
        for (int l = 1; l < levels.Length; l++) latent = g.Add(latent, levels[l]);
        taps.Add(latent, "dequantized", "batch", c.LatentDim, "frames");
        for (int l = 0; l < levels.Length; l++) taps.Add(levels[l], $"dequantized_level{l}", "batch", c.LatentDim, "frames");
        var waveform = Generator(g, latent, c, w, taps);
        g.Output(waveform, HifiCodecGraphs.Waveform, ElementType.Float, "batch", "samples");
        return taps.Build(c, "codec_decoder");
    }

    /// <summary>conv_pre, per stage lrelu → transposed conv → mean of resblocks, then lrelu → conv_post → tanh; [B, samples].</summary>
    private static GraphValue Generator(OnnxGraphBuilder g, GraphValue x, HifiCodecConfig c, WeightSet w, CodecTaps taps)
    {
        using var scope = g.Scope("generator");
        x = Nn.Conv1d(g, x, w, "generator.conv_pre", c.LatentDim, c.UpsampleInitialChannel, 7, ConvSpec.OneD(padding: 3));
        taps.Add(x, "gen_conv_pre_out", "batch", c.UpsampleInitialChannel, "frames");
        for (int i = 0; i < c.Stages; i++)
        {
            int inCh = c.UpsampleInitialChannel >> i, ch = c.GeneratorChannels(i), kernel = c.UpsampleKernelSizes[i], rate = c.UpsampleRates[i];
            x = g.LeakyRelu(x, HifiCodecConfig.LeakySlope);
            x = Nn.ConvTranspose1d(g, x, w, $"generator.ups.{i}", inCh, ch, kernel, stride: rate, padding: HifiCodecConfig.StridedPadding(kernel, rate));
            taps.Add(x, $"gen_ups{i}_out", "batch", ch, $"gen_ups{i}_length");
            GraphValue? sum = null;
            for (int j = 0; j < c.KernelsPerStage; j++)
            {
                var r = ResBlock1Emitter.Emit(g, x, w, $"generator.resblocks.{i * c.KernelsPerStage + j}", ch, c.ResblockKernelSizes[j], c.ResblockDilationSizes[j]);
                sum = sum is null ? r : g.Add(sum.Value, r);
            }
            x = g.Div(sum!.Value, g.FloatScalar(c.KernelsPerStage));
        }
        x = g.LeakyRelu(x, HifiCodecConfig.GeneratorPostSlope);
        x = Nn.Conv1d(g, x, w, "generator.conv_post", c.GeneratorChannels(c.Stages - 1), 1, 7, ConvSpec.OneD(padding: 3));
        taps.Add(x, "gen_conv_post_out", "batch", 1, "samples");
        return g.Squeeze(g.Tanh(x), 1);
    }
}
