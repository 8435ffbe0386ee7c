namespace SoundStorm.Export.Tests.Codec;

/// <summary>
/// The imported reference checkpoint reproduces the original PyTorch codec: codes exactly, every saved intermediate,
/// the dequantised latent and the decoded waveform within the README's tolerance (relative error ≤ 1e-4).
/// </summary>
public class HifiCodecReferenceTests(HifiCodecReference reference, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<HifiCodecReference>
{
    private const double Tolerance = 1e-4;

    [ReferenceFact]
    public void Encoder_codes_match_reference_exactly()
    {
        var codes = reference.EncoderOutputs["codes"];
        Assert.Equal(new[] { 1, 50, 4 }, codes.Shape);
        long[] ours = codes.Data.Select(v => (long)v).ToArray();
        int differing = ours.Zip(reference.ReferenceCodes).Count(p => p.First != p.Second);
        Assert.True(differing == 0, $"{differing} of {ours.Length} codes differ from codes.npy");
    }

    [ReferenceTheory]
    [InlineData("enc_stage1_out", "enc_stage1_out.npy")]
    [InlineData("enc_stage2_out", "enc_stage2_out.npy")]
    [InlineData("enc_stage3_out", "enc_stage3_out.npy")]
    [InlineData("encoder_out", "encoder_out.npy")]
    [InlineData("quantized", "quantizer_forward_out.npy")]
    public void Encoder_intermediates_match_reference(string tap, string file) =>
        AssertClose(reference.EncoderOutputs[tap], HifiCodecReference.Npy(file), file);

    [ReferenceTheory]
    [InlineData("dequantized_level0", "dequantized_level0.npy")]
    [InlineData("dequantized_level1", "dequantized_level1.npy")]
    [InlineData("dequantized", "dequantized.npy")]
    [InlineData("gen_conv_pre_out", "gen_conv_pre_out.npy")]
    [InlineData("gen_ups0_out", "gen_ups0_out.npy")]
    [InlineData("gen_ups1_out", "gen_ups1_out.npy")]
    [InlineData("gen_ups2_out", "gen_ups2_out.npy")]
    [InlineData("gen_ups3_out", "gen_ups3_out.npy")]
    [InlineData("gen_conv_post_out", "gen_conv_post_out.npy")]
    public void Decoder_intermediates_match_reference(string tap, string file) =>
        AssertClose(reference.DecoderOutputs[tap], HifiCodecReference.Npy(file), file);

    [ReferenceFact]
    public void Decoded_waveform_matches_reference()
    {
        var expected = HifiCodecReference.Npy("decoded_wav.npy"); // [1, 1, 16000]
        var waveform = reference.DecoderOutputs["waveform"];
        Assert.Equal(new[] { 1, 16000 }, waveform.Shape);
        AssertClose(waveform.Reshape(expected.Shape), expected, "decoded_wav.npy");
    }

    private void AssertClose(DTensor actual, DTensor expected, string file)
    {
        double error = Compare.RelativeError(actual, expected);
        double maxAbs = actual.Data.Zip(expected.Data).Max(p => Math.Abs(p.First - p.Second));
        output.WriteLine($"{file}: relative error {error:E2}, max |diff| {maxAbs:E2}");
        Assert.True(error <= Tolerance, $"{file}: relative error {error:E3} exceeds {Tolerance:E0}");
    }
}
