namespace SoundStorm.Export.Codec;

/// <summary>One tensor of an AcademiCodec generator checkpoint: its full name (container + state-dict key) and shape.</summary>
/// <param name="Name">For example <c>encoder.ups.0.weight_v</c>.</param>
/// <param name="Shape">Shape as PyTorch stores it.</param>
public sealed record CodecTensorSpec(string Name, long[] Shape)
{
    /// <summary>The shape written like <c>[3, 4]</c>.</summary>
    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}

/// <summary>
/// The tensors a <c>g_XXXXXXXX</c> checkpoint holds for a configuration, named <c>{encoder|generator|quantizer}.{key}</c>
/// (the containers of <c>train.py</c>'s save). Weight-normed convolutions appear as <c>bias</c>, <c>weight_g</c>, <c>weight_v</c>.
/// </summary>
public static class HifiCodecStateDict
{
    /// <summary>Every tensor, with weight norm still split into magnitude and direction.</summary>
    public static IEnumerable<CodecTensorSpec> Expected(HifiCodecConfig c)
    {
        foreach (var spec in Encoder(c)) yield return spec;
        foreach (var spec in Quantizer(c)) yield return spec;
        foreach (var spec in Generator(c)) yield return spec;
    }

    /// <summary>Codebook name for residual level <paramref name="level"/> and group <paramref name="group"/> (level 0 is <c>quantizer_modules</c>, level n is <c>quantizer_modules{n+1}</c>).</summary>
    public static string Codebook(int level, int group) =>
        $"quantizer.quantizer_modules{(level == 0 ? "" : (level + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))}.{group}.embedding.weight";

    /// <summary>Encoder tensors (<c>normalize.*</c> GroupNorms and the plain <c>conv_post</c> are not weight-normed).</summary>
    public static IEnumerable<CodecTensorSpec> Encoder(HifiCodecConfig c)
    {
        foreach (var spec in NormedConv("encoder.conv_pre", c.EncoderInitialChannel, 1, 7)) yield return spec;
        for (int i = 0; i < c.Stages; i++)
        {
            int ch = c.EncoderChannels(i);
            foreach (var spec in NormedConv($"encoder.ups.{i}", ch, ch / 2, c.EncoderKernel(i))) yield return spec;
            for (int j = 0; j < c.KernelsPerStage; j++)
            {
                int index = i * c.KernelsPerStage + j;
                foreach (var spec in ResBlock($"encoder.resblocks.{index}", ch, c.EncoderResblockKernel(j), c.EncoderResblockDilations(j).Length))
                    yield return spec;
                yield return new($"encoder.normalize.{index}.weight", new long[] { ch });
                yield return new($"encoder.normalize.{index}.bias", new long[] { ch });
            }
        }
        yield return new("encoder.conv_post.weight", new long[] { c.LatentDim, c.LatentDim, 3 });
        yield return new("encoder.conv_post.bias", new long[] { c.LatentDim });
    }

    /// <summary>Codebooks, [codebook size, group width] each.</summary>
    public static IEnumerable<CodecTensorSpec> Quantizer(HifiCodecConfig c)
    {
        for (int level = 0; level < c.ResidualLevels; level++)
            for (int group = 0; group < c.CodeGroups; group++)
                yield return new(Codebook(level, group), new long[] { c.CodebookSize, c.GroupDim });
    }

    /// <summary>Generator tensors; the transposed convolutions' weight norm runs over their input channels (dim 0).</summary>
    public static IEnumerable<CodecTensorSpec> Generator(HifiCodecConfig c)
    {
        foreach (var spec in NormedConv("generator.conv_pre", c.UpsampleInitialChannel, c.LatentDim, 7)) yield return spec;
        for (int i = 0; i < c.Stages; i++)
        {
            int inCh = c.UpsampleInitialChannel >> i, outCh = c.GeneratorChannels(i);
            // ConvTranspose1d stores [in, out, k]; bias has out entries.
            yield return new($"generator.ups.{i}.bias", new long[] { outCh });
            yield return new($"generator.ups.{i}.weight_g", new long[] { inCh, 1, 1 });
            yield return new($"generator.ups.{i}.weight_v", new long[] { inCh, outCh, c.UpsampleKernelSizes[i] });
            for (int j = 0; j < c.KernelsPerStage; j++)
                foreach (var spec in ResBlock($"generator.resblocks.{i * c.KernelsPerStage + j}", outCh, c.ResblockKernelSizes[j], c.ResblockDilationSizes[j].Length))
                    yield return spec;
        }
        foreach (var spec in NormedConv("generator.conv_post", 1, c.GeneratorChannels(c.Stages - 1), 7)) yield return spec;
    }

    private static IEnumerable<CodecTensorSpec> ResBlock(string prefix, int channels, int kernel, int pairs)
    {
        foreach (var convs in new[] { "convs1", "convs2" })
            for (int p = 0; p < pairs; p++)
                foreach (var spec in NormedConv($"{prefix}.{convs}.{p}", channels, channels, kernel)) yield return spec;
    }

    private static IEnumerable<CodecTensorSpec> NormedConv(string prefix, int outChannels, int inChannels, int kernel)
    {
        yield return new($"{prefix}.bias", new long[] { outChannels });
        yield return new($"{prefix}.weight_g", new long[] { outChannels, 1, 1 });
        yield return new($"{prefix}.weight_v", new long[] { outChannels, inChannels, kernel });
    }
}
