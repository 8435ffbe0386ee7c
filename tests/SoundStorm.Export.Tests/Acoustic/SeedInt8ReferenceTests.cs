using SoundStorm.Export.Acoustic;
using SoundStorm.Export.NumPy;
using SoundStorm.Export.Onnx.Quantization;
using SoundStorm.Export.Tests.Checkpoints;

namespace SoundStorm.Export.Tests.Acoustic;

/// <summary>
/// The int8 pass on the seed checkpoint of ../shared/reference/soundstorm-s2, against the original PyTorch logits:
/// every weight MatMul quantised (the reference model is 32 wide, below the default size threshold, so the threshold
/// is lifted), the logits stay within bounds set under the measured error and argmax agreement.
/// </summary>
public class SeedInt8ReferenceTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly string Dir = ReferencePaths.Get("soundstorm-s2");

    [ReferenceFact]
    public void Int8_transformer_stays_close_to_the_reference_logits()
    {
        var weights = SeedCheckpointImporter.ReadWeights(Path.Combine(Dir, "last.pth"), SeedWeights.Model);
        var config = SeedModelConfig.InferFrom(weights, SeedCheckpointImporter.ReadHeads(Path.Combine(Dir, "model_config.json"), 32));
        var graphs = SeedGraphs.Build(config, weights);
        var quantized = Int8MatMuls.Quantize(graphs.Transformer, out int count, new Int8Options { MinElements = 1 });

        var (float32, _) = SeedReferenceTests.Logits(graphs);
        var (int8, _) = SeedReferenceTests.Logits(graphs, quantized);
        var a = NpyFile.Read(Path.Combine(Dir, "logits.npy"));
        var reference = new DTensor(a.ToFloat32().Select(v => (double)v).ToArray(), a.Shape.ToArray());

        double error = Compare.RelativeError(int8, reference), agreement = ArgMaxAgreement(int8, reference);
        output.WriteLine($"{count} MatMuls quantised; int8 vs reference: logits relative error {error:E2}, argmax agreement {agreement:P2}; " +
            $"int8 vs float32 graph: {Compare.RelativeError(int8, float32):E2}, {ArgMaxAgreement(int8, float32):P2}; float32 vs reference {ArgMaxAgreement(float32, reference):P2}");
        Assert.True(count >= 2 * config.Layers, $"only {count} MatMuls quantised");
        Assert.True(error < 0.03, $"int8 logits relative error {error:E3}");
        Assert.True(agreement >= 0.9, $"argmax agreement {agreement:P2}");
    }

    /// <summary>Share of (batch, position) pairs whose argmax over the class axis (1) agrees.</summary>
    private static double ArgMaxAgreement(DTensor x, DTensor y)
    {
        int batch = x.Shape[0], classes = x.Shape[1], positions = x.Shape[2], same = 0;
        for (int b = 0; b < batch; b++)
            for (int p = 0; p < positions; p++)
            {
                int bx = 0, by = 0;
                for (int k = 1; k < classes; k++)
                {
                    if (x[b, k, p] > x[b, bx, p]) bx = k;
                    if (y[b, k, p] > y[b, by, p]) by = k;
                }
                if (bx == by) same++;
            }
        return same / (double)(batch * positions);
    }
}
