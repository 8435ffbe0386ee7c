namespace SoundStorm.Export.Codec;

/// <summary>
/// How far, in code frames, the codec graphs' convolutions reach on each side: the context a runtime must give a chunk
/// so a chunked decode equals a one-pass one (written to the package as <c>codecContextFrames</c>). Counted layer by
/// layer in the units of the rate each layer runs at, then converted to frames and rounded up.
/// </summary>
public static class HifiCodecReceptiveField
{
    /// <summary>Code frames of context on each side covering both graphs' convolutions (the encoder's GroupNorm statistics aside).</summary>
    public static int ContextFrames(HifiCodecConfig c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return (int)Math.Ceiling(Math.Max(Decoder(c), Encoder(c)));
    }

    // conv_pre (k 7) at the frame rate; per stage a transposed conv (reach ⌈k/r⌉ input steps) and the resblocks at the
    // stage's output rate; conv_post (k 7) at the sample rate.
    private static double Decoder(HifiCodecConfig c)
    {
        double frames = 3, samplesPerStep = 1;
        for (int i = 0; i < c.Stages; i++)
        {
            frames += Math.Ceiling((double)c.UpsampleKernelSizes[i] / c.UpsampleRates[i]) / samplesPerStep;
            samplesPerStep *= c.UpsampleRates[i];
            frames += ResblockReach(c.ResblockKernelSizes, c.ResblockDilationSizes) / samplesPerStep;
        }
        return frames + 3.0 / c.Hop;
    }

    // conv_pre (k 7) at the sample rate; per stage a strided conv (reach ⌈k/2⌉ input samples) and the resblocks at the
    // stage's output rate; conv_post (k 3) at the frame rate.
    private static double Encoder(HifiCodecConfig c)
    {
        double stepsPerFrame = c.Hop, frames = 3 / stepsPerFrame;
        for (int i = 0; i < c.Stages; i++)
        {
            frames += Math.Ceiling(c.EncoderKernel(i) / 2.0) / stepsPerFrame;
            stepsPerFrame /= c.EncoderStride(i);
            frames += ResblockReach(c.ResblockKernelSizes, c.ResblockDilationSizes) / stepsPerFrame;
        }
        return frames + 1;
    }

    // ResBlock1: per dilation d, a conv of kernel k dilated by d then one undilated; the resblocks of a stage run side
    // by side, so the widest counts.
    private static double ResblockReach(int[] kernels, int[][] dilations)
    {
        double widest = 0;
        for (int j = 0; j < kernels.Length; j++)
            widest = Math.Max(widest, dilations[j].Sum(d => (kernels[j] - 1) / 2.0 * (d + 1)));
        return widest;
    }
}
