using SoundStorm.Export.Onnx.Quantization;

namespace SoundStorm.Export.Tests.Onnx;

/// <summary>
/// The int8 pass checked exactly: a quantised MatMul computes, to float32 rounding, the float64 product of the
/// activation quantised as ONNX Runtime's DynamicQuantizeMatMul does (per tensor, uint8, round half to even) and the
/// dequantised int8 weights.
/// </summary>
public sealed class Int8MatMulsTests : IDisposable
{
    private const int K = 64, N = 300, Small = 8;
    private readonly string _dir = Directory.CreateTempSubdirectory("int8-matmuls-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (float[] Weight, float[] Bias, float[] SmallWeight) Weights(int seed)
    {
        var rng = new Random(seed);
        return (Enumerable.Range(0, K * N).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(),
            Enumerable.Range(0, N).Select(_ => (float)rng.NextDouble()).ToArray(),
            Enumerable.Range(0, K * Small).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray());
    }

    // y = x·W + b (W large: quantised, bias folded); z = x·S (S small: stays float32).
    private static OnnxModel Model((float[] Weight, float[] Bias, float[] SmallWeight) w)
    {
        var g = new OnnxGraphBuilder("int8");
        var x = g.Input("x", ElementType.Float, "batch", 3, K);
        var y = g.Add(g.MatMul(x, g.Initializer("proj.weight", TensorData.FromFloat(w.Weight, K, N))), g.Initializer("proj.bias", TensorData.FromFloat(w.Bias, N)));
        g.Output(y, "y", ElementType.Float, "batch", 3, N);
        g.Output(g.MatMul(x, g.Initializer("small.weight", TensorData.FromFloat(w.SmallWeight, K, Small))), "z", ElementType.Float, "batch", 3, Small);
        return g.Build(new ModelOptions());
    }

    /// <summary>What DynamicQuantizeMatMul computes, in float64 after the float32 activation quantisation.</summary>
    private static double[] Reference(float[] x, int rows, Int8Weights w, float[] bias)
    {
        float min = Math.Min(0f, x.Min()), max = Math.Max(0f, x.Max());
        float scale = max == min ? 1f : (max - min) / 255f;
        float zeroPoint = MathF.Round(Math.Clamp(0f - min / scale, 0f, 255f), MidpointRounding.ToEven);
        var qx = x.Select(v => (double)Math.Clamp(MathF.Round(v / scale, MidpointRounding.ToEven) + zeroPoint, 0f, 255f) - zeroPoint).ToArray();
        var y = new double[rows * N];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < N; c++)
            {
                double sum = 0;
                for (int k = 0; k < K; k++) sum += qx[r * K + k] * scale * w.Dequantized(k, c);
                y[r * N + c] = sum + bias[c];
            }
        return y;
    }

    private static DTensor Input() => DTensor.Random(new Random(9), 1.5, 2, 3, K);

    private static void AssertMatchesReference(OnnxModel quantized, (float[] Weight, float[] Bias, float[] SmallWeight) w, float[] weightAsStored) =>
        AssertMatchesReference(OrtRunner.Run(quantized, Feed.Of("x", Input())), w, weightAsStored);

    private static void AssertMatchesReference(Dictionary<string, DTensor> outputs, (float[] Weight, float[] Bias, float[] SmallWeight) w, float[] weightAsStored)
    {
        var x = Input();
        var expected = Reference(x.ToFloat(), 6, Int8Weights.Quantize(weightAsStored, K, N, "w"), w.Bias);
        double peak = expected.Max(Math.Abs);
        double worst = 0, floatWorst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(outputs["y"].Data[i] - expected[i]));
            double exact = w.Bias[i % N];
            for (int k = 0; k < K; k++) exact += x.Data[i / N * K + k] * weightAsStored[k * N + i % N];
            floatWorst = Math.Max(floatWorst, Math.Abs(outputs["y"].Data[i] - exact));
        }
        Assert.True(worst <= 2e-6 * peak, $"int8 MatMul differs from the float64 reference by {worst:E3} (peak {peak:F3})");
        // The node did quantise: against the unquantised product the error is orders of magnitude larger.
        Assert.True(floatWorst > 1e-3 * peak, $"output equals the float32 product to {floatWorst:E3}: nothing was quantised");

        // The small matrix stayed float32: z equals x·S in float64 to float32 rounding.
        for (int i = 0; i < 6 * Small; i++)
        {
            double z = 0;
            for (int k = 0; k < K; k++) z += x.Data[i / Small * K + k] * w.SmallWeight[k * Small + i % Small];
            Assert.True(Math.Abs(z - outputs["z"].Data[i]) <= 1e-5, $"z[{i}] = {outputs["z"].Data[i]}, float64 product {z}");
        }
    }

    [Fact]
    public void Quantised_matmul_equals_float64_product_of_quantised_activation_and_dequantised_weights()
    {
        var w = Weights(3);
        var quantized = Int8MatMuls.Quantize(Model(w), out int count);

        Assert.Equal(1, count);
        var nodes = quantized.Proto.Graph.Node;
        Assert.Single(nodes, n => n.OpType == "DynamicQuantizeMatMul" && n.Domain == Int8MatMuls.ContribDomain);
        Assert.DoesNotContain(nodes, n => n.OpType == "Add"); // the bias went into the node
        Assert.Single(nodes, n => n.OpType == "MatMul"); // the small one
        Assert.Contains(quantized.Proto.OpsetImport, o => o.Domain == Int8MatMuls.ContribDomain);
        Assert.Contains(quantized.Proto.MetadataProps, p => p.Key == Int8MatMuls.MetadataKey && p.Value == Int8MatMuls.Scheme);
        Assert.Equal(ElementType.Int8, quantized.ReadInitializer("proj.weight__int8").ElementType);
        Assert.Throws<KeyNotFoundException>(() => quantized.ReadInitializer("proj.weight"));
        AssertMatchesReference(quantized, w, w.Weight);
    }

    [Fact]
    public void Float16_stored_weights_are_quantised_from_their_half_values_and_their_casts_removed()
    {
        var w = Weights(5);
        var half = Float16Weights.Convert(Model(w), minElements: 1024); // the [64, 300] weight only
        var quantized = Int8MatMuls.Quantize(half, out int count);

        Assert.Equal(1, count);
        Assert.DoesNotContain(quantized.Proto.Graph.Node, n => n.OpType == "Cast" && n.Input[0] == "proj.weight" + Float16Weights.Suffix);
        Assert.Throws<KeyNotFoundException>(() => quantized.ReadInitializer("proj.weight" + Float16Weights.Suffix));
        AssertMatchesReference(quantized, w, w.Weight.Select(v => (float)(Half)v).ToArray());
    }

    [Fact]
    public void Weights_in_external_data_are_read_and_the_quantised_model_saves_with_external_data()
    {
        var w = Weights(7);
        string full = Path.Combine(_dir, "full.onnx"), int8 = Path.Combine(_dir, "int8.onnx");
        Model(w).Save(full, inlineLimit: 0);
        Assert.True(File.Exists(full + ".data"));
        Int8MatMuls.Quantize(OnnxModel.Load(full), out _).Save(int8, inlineLimit: 0);

        Assert.True(new FileInfo(int8 + ".data").Length < 0.4 * new FileInfo(full + ".data").Length);
        AssertMatchesReference(OrtRunner.RunFile(int8, Feed.Of("x", Input())), w, w.Weight);
    }

    [Fact]
    public void Model_without_large_constant_matmuls_comes_back_unchanged()
    {
        var model = Model(Weights(1));
        var same = Int8MatMuls.Quantize(model, out int count, new Int8Options { KeepFloat = new HashSet<string> { "proj.weight" } });
        Assert.Equal(0, count);
        Assert.Same(model, same);
    }

    [Fact]
    public void Non_finite_weight_is_refused_by_name()
    {
        var w = Weights(2);
        w.Weight[17] = float.NaN;
        var e = Assert.Throws<OnnxFormatException>(() => Int8MatMuls.Quantize(Model(w), out _));
        Assert.Contains("'proj.weight'", e.Message);
    }
}
