using SoundStorm.Export.Codec;
using SoundStorm.Export.Import;
using SoundStorm.Trainer.Codec;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.Codec;

/// <summary>
/// The TorchSharp codec and the ONNX graphs written from its state dict (through the importer's checks and
/// weight-norm folding) compute the same codes exactly and the same latents and waveforms within 1e-4.
/// </summary>
public sealed class HifiCodecOnnxParityTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private const double Tolerance = 1e-4;
    private const int Batch = 2, Samples = 203; // not a whole number of hops: 25 frames
    private readonly HifiCodec _codec = SmallCodec.Create(seed: 5);

    public void Dispose() => _codec.Dispose();

    [Fact]
    public void Encoder_graph_matches_TorchSharp_codes_exactly_and_latents_within_tolerance()
    {
        using var scope = NewDisposeScope();
        var waveform = SmallCodec.Waveform(Batch, Samples, seed: 5);
        var (latent, quantized, codes) = TorchSharpEncode(waveform);
        AssertUnambiguous(latent);

        var outputs = SmallCodec.Run(Graphs().Encoder, HifiCodecGraphs.Waveform,
            SmallCodec.Doubles(waveform).Select(v => (float)v).ToArray(), new long[] { Batch, Samples });

        int frames = Samples / SmallCodec.Config.Hop;
        Assert.Equal(new long[] { Batch, frames, 4 }, outputs["codes"].Shape);
        long[] expectedCodes = codes.data<long>().ToArray();
        Assert.Equal(expectedCodes, outputs["codes"].Data.Select(v => (long)v).ToArray());
        Assert.True(expectedCodes.Distinct().Count() >= 16, "codes should spread over the codebooks");
        Check("encoder_out", outputs["encoder_out"].Data, SmallCodec.Doubles(latent));
        Check("quantized", outputs["quantized"].Data, SmallCodec.Doubles(quantized));
    }

    [Fact]
    public void Decoder_graph_matches_TorchSharp_dequantization_and_waveform()
    {
        using var scope = NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator(9);
        var codes = randint(0, SmallCodec.Config.CodebookSize, new long[] { Batch, 9, 4 }, dtype: ScalarType.Int64, generator: generator);
        Tensor dequantized, waveform;
        using (no_grad())
        {
            dequantized = _codec.Dequantize(codes);
            waveform = _codec.Decode(codes);
        }

        var outputs = SmallCodec.Run(Graphs().Decoder, HifiCodecGraphs.Codes, codes.data<long>().ToArray(), new long[] { Batch, 9, 4 });

        Assert.Equal(new long[] { Batch, 9 * SmallCodec.Config.Hop }, outputs["waveform"].Shape);
        Check("dequantized", outputs["dequantized"].Data, SmallCodec.Doubles(dequantized));
        Check("waveform", outputs["waveform"].Data, SmallCodec.Doubles(waveform));
    }

    private (SoundStorm.Export.Onnx.OnnxModel Encoder, SoundStorm.Export.Onnx.OnnxModel Decoder) Graphs()
    {
        var raw = _codec.ToWeightSet();
        HifiCodecImporter.CheckTensors(raw, SmallCodec.Config);
        var folded = WeightNormFolding.Fold(raw);
        var encoder = HifiCodecEncoderGraph.Build(SmallCodec.Config, folded, exposeIntermediates: true);
        var decoder = HifiCodecDecoderGraph.Build(SmallCodec.Config, folded, exposeIntermediates: true);
        folded.EnsureAllUsed();
        return (encoder, decoder);
    }

    private (Tensor Latent, Tensor Quantized, Tensor Codes) TorchSharpEncode(Tensor waveform)
    {
        using var _ = no_grad();
        var latent = _codec.EncodeLatent(waveform);
        var result = _codec.Encode(waveform);
        var quantized = _codec.Dequantize(result);
        return (latent, quantized, result);
    }

    /// <summary>Guards the exact-codes assertion: in float64 every frame's best codeword beats the runner-up clearly.</summary>
    private void AssertUnambiguous(Tensor latent)
    {
        var c = SmallCodec.Config;
        var weights = _codec.ToWeightSet();
        var residual = latent.to_type(ScalarType.Float64).transpose(1, 2).reshape(-1, c.LatentDim);
        double smallest = double.MaxValue;
        for (int level = 0; level < c.ResidualLevels; level++)
        {
            var next = residual.clone();
            for (int g = 0; g < c.CodeGroups; g++)
            {
                var table = tensor(weights.Peek(HifiCodecStateDict.Codebook(level, g)).Data, new long[] { c.CodebookSize, c.GroupDim }).to_type(ScalarType.Float64);
                var z = residual.narrow(1, g * c.GroupDim, c.GroupDim);
                var d = z.pow(2).sum(1, keepdim: true) + table.pow(2).sum(1) - 2 * z.matmul(table.t());
                var (sorted, order) = d.sort(1);
                var gap = (sorted.select(1, 1) - sorted.select(1, 0)) / (z.pow(2).sum(1) + table.index_select(0, order.select(1, 0)).pow(2).sum(1));
                smallest = Math.Min(smallest, gap.min().item<double>());
                next.narrow(1, g * c.GroupDim, c.GroupDim).sub_(table.index_select(0, order.select(1, 0)));
            }
            residual = next;
        }
        output.WriteLine($"smallest relative argmin margin {smallest:E2}");
        Assert.True(smallest > 1e-4, $"test data has a near tie (relative margin {smallest:E2}); pick another seed");
    }

    private void Check(string what, double[] onnx, double[] torchSharp)
    {
        double error = SmallCodec.RelativeError(onnx, torchSharp);
        output.WriteLine($"{what}: relative error {error:E2}");
        Assert.True(error <= Tolerance, $"{what}: relative error {error:E3} exceeds {Tolerance:E0}");
    }
}
