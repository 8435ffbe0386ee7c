namespace SoundStorm.Export.Tests.Onnx;

/// <summary>Float16 weight storage: half the bytes, the same graph computed in float32 on half-rounded weights.</summary>
public sealed class Float16WeightsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("float16-weights-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static OnnxModel Model(double[] weights, double[] bias)
    {
        var g = new OnnxGraphBuilder("fp16");
        var x = g.Input("x", ElementType.Float, "batch", 64);
        var w = g.Initializer("proj.weight", TensorData.FromFloat(weights.Select(v => (float)v).ToArray(), 64, 48));
        var b = g.Initializer("proj.bias", TensorData.FromFloat(bias.Select(v => (float)v).ToArray(), 48)); // below the size limit
        g.Output(g.Add(g.MatMul(x, w), b), "y", ElementType.Float, "batch", 48);
        return g.Build(new ModelOptions());
    }

    [Fact]
    public void Converted_model_is_half_the_size_and_computes_with_half_rounded_weights_in_float32()
    {
        var rng = new Random(4);
        double[] weights = Enumerable.Range(0, 64 * 48).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        double[] bias = Enumerable.Range(0, 48).Select(_ => rng.NextDouble()).ToArray();
        var x = DTensor.Random(rng, 1.0, 3, 64);
        string full = Path.Combine(_dir, "full.onnx"), half = Path.Combine(_dir, "half.onnx");
        Model(weights, bias).Save(full);
        Float16Weights.Convert(OnnxModel.Load(full), minElements: 1024).Save(half);

        Assert.InRange(new FileInfo(half).Length, 0.45 * new FileInfo(full).Length, 0.6 * new FileInfo(full).Length);
        var loaded = OnnxModel.Load(half);
        Assert.Equal(ElementType.Float16, loaded.ReadInitializer("proj.weight" + Float16Weights.Suffix).ElementType);
        Assert.Equal(ElementType.Float, loaded.ReadInitializer("proj.bias").ElementType);

        // Reference: float64 product with the weights rounded to half, as the converted model stores them.
        var y = OrtRunner.Run(loaded, Feed.Of("x", x))["y"];
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 48; c++)
            {
                double expected = (float)bias[c];
                for (int k = 0; k < 64; k++) expected += x.Data[r * 64 + k] * (double)(Half)(float)weights[k * 48 + c];
                Assert.Equal(expected, y.Data[r * 48 + c], 4);
            }
    }

    [Fact]
    public void A_weight_beyond_float16_range_is_refused_by_name()
    {
        double[] weights = Enumerable.Repeat(1.0, 64 * 48).ToArray();
        weights[5] = 1e6;
        var e = Assert.Throws<OnnxFormatException>(() => Float16Weights.Convert(Model(weights, new double[48])));
        Assert.Contains("proj.weight", e.Message);
    }
}
