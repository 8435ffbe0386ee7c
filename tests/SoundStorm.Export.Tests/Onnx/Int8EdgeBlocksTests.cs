using SoundStorm.Export.Onnx.Quantization;

namespace SoundStorm.Export.Tests.Onnx;

/// <summary>
/// <see cref="Int8Options.FloatEdgeBlocks"/>: in the first and last blocks the matrices outside attention stay
/// float32 (their outputs equal the float64 product to float32 rounding), the rest are quantised, and the graph's
/// metadata names the mixed scheme.
/// </summary>
public sealed class Int8EdgeBlocksTests
{
    private const int K = 64, N = 256, Blocks = 4; // 16,384 values: the smallest matrix the pass quantises by default
    private static readonly string[] Parts = ["ff1.linear1", "attn.query", "conv.pointwise1"];

    private static string Weight(int block, string part) => $"blocks.{block}.{part}.weight";

    private static float[] Values(int block, int part)
    {
        var rng = new Random(block * 10 + part);
        return Enumerable.Range(0, K * N).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    // One output per weight, each x·W, so that every matrix can be checked on its own.
    private static OnnxModel Model()
    {
        var g = new OnnxGraphBuilder("edges");
        var x = g.Input("x", ElementType.Float, "batch", K);
        for (int b = 0; b < Blocks; b++)
            for (int p = 0; p < Parts.Length; p++)
                g.Output(g.MatMul(x, g.Initializer(Weight(b, Parts[p]), TensorData.FromFloat(Values(b, p), K, N))), $"y{b}_{p}", ElementType.Float, "batch", N);
        return g.Build(new ModelOptions());
    }

    [Fact]
    public void Edge_blocks_keep_feed_forward_and_convolution_in_float32_and_quantise_attention()
    {
        var options = new Int8Options { FloatEdgeBlocks = 1 };
        var quantized = Int8MatMuls.Quantize(Model(), out int count, options);

        // Blocks 0 and 3 keep ff1 and conv (4 matrices); their attention and all of blocks 1 and 2 are quantised.
        Assert.Equal(Blocks * Parts.Length - 4, count);
        var floatWeights = quantized.Proto.Graph.Node.Where(n => n.OpType == "MatMul").Select(n => n.Input[1]).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { Weight(0, "conv.pointwise1"), Weight(0, "ff1.linear1"), Weight(3, "conv.pointwise1"), Weight(3, "ff1.linear1") }, floatWeights);
        Assert.Equal("int8-dynamic/float-edges-1", Int8MatMuls.SchemeOf(options));
        Assert.Contains(quantized.Proto.MetadataProps, p => p.Key == Int8MatMuls.MetadataKey && p.Value == "int8-dynamic/float-edges-1");

        var x = DTensor.Random(new Random(4), 1.0, 3, K);
        var outputs = OrtRunner.Run(quantized, Feed.Of("x", x));
        for (int b = 0; b < Blocks; b++)
            for (int p = 0; p < Parts.Length; p++)
            {
                var w = Values(b, p);
                double worst = 0, peak = 0;
                for (int i = 0; i < 3 * N; i++)
                {
                    double exact = 0;
                    for (int k = 0; k < K; k++) exact += x.Data[i / N * K + k] * w[k * N + i % N];
                    worst = Math.Max(worst, Math.Abs(outputs[$"y{b}_{p}"].Data[i] - exact));
                    peak = Math.Max(peak, Math.Abs(exact));
                }
                bool kept = (b == 0 || b == Blocks - 1) && !Parts[p].StartsWith("attn", StringComparison.Ordinal);
                if (kept) Assert.True(worst <= 1e-5 * peak, $"{Weight(b, Parts[p])}: float32 output off the float64 product by {worst:E3}");
                else Assert.True(worst > 1e-3 * peak, $"{Weight(b, Parts[p])}: output equals the float product to {worst:E3}, nothing was quantised");
            }
    }

    [Fact]
    public void Without_edge_blocks_every_block_is_quantised_under_the_plain_scheme()
    {
        var quantized = Int8MatMuls.Quantize(Model(), out int count);
        Assert.Equal(Blocks * Parts.Length, count);
        Assert.Equal(Int8MatMuls.Scheme, Int8MatMuls.SchemeOf(new Int8Options()));
        Assert.Contains(quantized.Proto.MetadataProps, p => p.Key == Int8MatMuls.MetadataKey && p.Value == Int8MatMuls.Scheme);
    }
}
