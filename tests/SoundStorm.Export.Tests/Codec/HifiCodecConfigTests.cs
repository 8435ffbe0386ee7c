using SoundStorm.Export.Codec;

namespace SoundStorm.Export.Tests.Codec;

/// <summary>Reading AcademiCodec config json: the released 16k-320d values, and clear refusals.</summary>
public class HifiCodecConfigTests
{
    private const string Released = """
        {"resblock": "1", "upsample_rates": [8,5,4,2], "upsample_kernel_sizes": [16,11,8,4], "upsample_initial_channel": 512,
         "resblock_kernel_sizes": [3,7,11], "resblock_dilation_sizes": [[1,3,5],[1,3,5],[1,3,5]], "sampling_rate": 16000,
         "n_code_groups": 2, "n_codes": 1024, "num_mels": 80, "learning_rate": 0.0002}
        """;

    [Fact]
    public void Released_config_gives_the_upstream_architecture()
    {
        var c = HifiCodecConfig.Parse(Released);
        Assert.Equal((320, 512, 256, 4, 50), (c.Hop, c.LatentDim, c.GroupDim, c.CodesPerFrame, c.SamplingRate / c.Hop));
        Assert.Equal(new[] { 2, 4, 5, 8 }, Enumerable.Range(0, 4).Select(c.EncoderStride));
        Assert.Equal(new[] { 4, 8, 11, 16 }, Enumerable.Range(0, 4).Select(c.EncoderKernel));
        Assert.Equal(new[] { 64, 128, 256, 512 }, Enumerable.Range(0, 4).Select(c.EncoderChannels));
        Assert.Equal(new[] { 4, 8, 16, 32 }, Enumerable.Range(0, 4).Select(c.EncoderNormGroups));
        Assert.Equal(new[] { 11, 7, 3 }, Enumerable.Range(0, 3).Select(c.EncoderResblockKernel));
        Assert.Equal(new[] { 256, 128, 64, 32 }, Enumerable.Range(0, 4).Select(c.GeneratorChannels));
        // keys_full.txt of the reference lists 495 tensors for this configuration.
        Assert.Equal(495, HifiCodecStateDict.Expected(c).Count());
    }

    [Theory]
    [InlineData("\"n_codes\": 1024", "\"n_codez\": 1024", "missing field 'n_codes'")]
    [InlineData("\"upsample_kernel_sizes\": [16,11,8,4]", "\"upsample_kernel_sizes\": [16,11,8]", "'upsample_kernel_sizes' has 3 entries, 'upsample_rates' has 4")]
    [InlineData("\"resblock\": \"1\"", "\"resblock\": \"2\"", "only ResBlock1")]
    [InlineData("\"n_code_groups\": 2", "\"n_code_groups\": 3", "'n_code_groups' 3 must divide the latent width 512")]
    [InlineData("\"sampling_rate\": 16000", "\"sampling_rate\": \"16k\"", "field 'sampling_rate' must be an integer")]
    public void Bad_config_is_refused_naming_the_field(string original, string replacement, string message)
    {
        var e = Assert.Throws<HifiCodecConfigException>(() => HifiCodecConfig.Parse(Released.Replace(original, replacement), "cfg.json"));
        Assert.StartsWith("cfg.json: ", e.Message);
        Assert.Contains(message, e.Message);
    }
}
