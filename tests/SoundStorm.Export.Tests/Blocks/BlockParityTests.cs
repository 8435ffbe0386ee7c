using SoundStorm.Export.Onnx.Blocks;

namespace SoundStorm.Export.Tests.Blocks;

/// <summary>Every building block exported, run by ONNX Runtime, and compared with a float64 reference (≤ 1e-5).</summary>
public class BlockParityTests
{
    [Theory]
    [InlineData(1, 3, 8, 5)]
    [InlineData(2, 7, 16, 32)]
    public void Linear_matches_reference(int batch, int frames, int inF, int outF)
    {
        var w = new RandomWeights(1);
        var (W, B) = w.Linear("fc", inF, outF);
        var x = w.Input(1, batch, frames, inF);
        var g = new OnnxGraphBuilder("linear");
        var input = g.Input("x", ElementType.Float, "batch", "frames", inF);
        g.Output(Nn.Linear(g, input, w.Set, "fc", inF, outF), "y", ElementType.Float, "batch", "frames", outF);
        var y = OrtRunner.Run(g.Build(), Feed.Of("x", x))["y"];
        Compare.Close(y, Reference.Linear(x, W, B));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LayerNorm_matches_reference(bool affine)
    {
        var w = new RandomWeights(2);
        DTensor? gamma = null, beta = null;
        if (affine) { gamma = w.Add("ln.weight", 1, 24); beta = w.Add("ln.bias", 1, 24); }
        var x = w.Input(3, 2, 5, 24);
        var g = new OnnxGraphBuilder("ln");
        var input = g.Input("x", ElementType.Float, "batch", "frames", 24);
        g.Output(Nn.LayerNorm(g, input, w.Set, "ln", 24, 1e-5f, affine), "y", ElementType.Float, "batch", "frames", 24);
        Compare.Close(OrtRunner.Run(g.Build(), Feed.Of("x", x))["y"], Reference.LayerNorm(x, gamma, beta, 1e-5));
    }

    [Fact]
    public void Activations_match_reference()
    {
        var w = new RandomWeights(3);
        var x = w.Input(4, 3, 50);
        var g = new OnnxGraphBuilder("act");
        var input = g.Input("x", ElementType.Float, 3, 50);
        g.Output(Nn.Gelu(g, input), "gelu", ElementType.Float, 3, 50);
        g.Output(Nn.Gelu2(g, input), "gelu2", ElementType.Float, 3, 50);
        g.Output(Nn.Silu(g, input), "silu", ElementType.Float, 3, 50);
        var outputs = OrtRunner.Run(g.Build(), Feed.Of("x", x));
        Compare.Close(outputs["gelu"], x.Map(Reference.Gelu));
        Compare.Close(outputs["gelu2"], x.Map(v => v * Reference.Sigmoid(1.702 * v)));
        Compare.Close(outputs["silu"], x.Map(v => v * Reference.Sigmoid(v)));
    }

    [Fact]
    public void Embedding_looks_up_rows()
    {
        var w = new RandomWeights(4);
        var table = w.Add("emb.weight", 1, 11, 6);
        long[] ids = { 0, 10, 3, 3, 7, 1 };
        var g = new OnnxGraphBuilder("emb");
        var input = g.Input("ids", ElementType.Int64, "batch", "frames");
        g.Output(Nn.Embedding(g, input, w.Set, "emb", 11, 6), "y", ElementType.Float, "batch", "frames", 6);
        var y = OrtRunner.Run(g.Build(), new Feed("ids", ids, new long[] { 2, 3 }))["y"];
        var expected = DTensor.Zeros(2, 3, 6);
        for (int i = 0; i < ids.Length; i++)
            for (int d = 0; d < 6; d++) expected.Data[i * 6 + d] = table[(int)ids[i], d];
        Compare.Close(y, expected, 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SelfAttention_with_key_padding_matches_reference(bool withMask)
    {
        const int dim = 16, heads = 4, batch = 2, frames = 5;
        var w = new RandomWeights(5);
        var q = w.Linear("attn.query", dim, dim); var k = w.Linear("attn.key", dim, dim);
        var v = w.Linear("attn.value", dim, dim); var o = w.Linear("attn.proj", dim, dim);
        var x = w.Input(1, batch, frames, dim);
        var pad = new bool[batch, frames];
        pad[1, 3] = pad[1, 4] = withMask;
        var g = new OnnxGraphBuilder("mha");
        var input = g.Input("x", ElementType.Float, "batch", "frames", dim);
        GraphValue? mask = withMask ? g.Input("pad", ElementType.Bool, "batch", "frames") : null;
        g.Output(Nn.MultiHeadAttention(g, input, input, w.Set, "attn", dim, dim, heads, mask), "y", ElementType.Float, "batch", "frames", dim);
        var feeds = new List<Feed> { Feed.Of("x", x) };
        if (withMask) feeds.Add(new Feed("pad", pad.Cast<bool>().ToArray(), new long[] { batch, frames }));
        var y = OrtRunner.Run(g.Build(), feeds.ToArray())["y"];
        Compare.Close(y, Reference.Attention(x, x, heads, q, k, v, o, withMask ? pad : null));
    }

    [Fact]
    public void CrossAttention_with_other_width_context_matches_reference()
    {
        const int dim = 12, ctxDim = 20, heads = 3;
        var w = new RandomWeights(6);
        var q = w.Linear("x.query", dim, dim); var k = w.Linear("x.key", ctxDim, dim);
        var v = w.Linear("x.value", ctxDim, dim); var o = w.Linear("x.proj", dim, dim);
        var x = w.Input(1, 2, 4, dim);
        var ctx = w.Input(1, 2, 9, ctxDim);
        var g = new OnnxGraphBuilder("xattn");
        var input = g.Input("x", ElementType.Float, "batch", "frames", dim);
        var context = g.Input("ctx", ElementType.Float, "batch", "cond", ctxDim);
        g.Output(Nn.MultiHeadAttention(g, input, context, w.Set, "x", dim, ctxDim, heads), "y", ElementType.Float, "batch", "frames", dim);
        var y = OrtRunner.Run(g.Build(), Feed.Of("x", x), Feed.Of("ctx", ctx))["y"];
        Compare.Close(y, Reference.Attention(x, ctx, heads, q, k, v, o, null));
    }

    [Theory]
    [InlineData(4, 6, 3, 1, 1, 1, 1)]
    [InlineData(4, 8, 5, 2, 2, 1, 2)]
    [InlineData(6, 6, 3, 1, 3, 3, 6)]
    [InlineData(2, 4, 7, 3, 0, 2, 1)]
    public void Conv1d_matches_reference(int cin, int cout, int kernel, int stride, int padding, int dilation, int groups)
    {
        var w = new RandomWeights(7);
        var W = w.Add("conv.weight", 0.5, cout, cin / groups, kernel);
        var B = w.Add("conv.bias", 0.1, cout);
        var x = w.Input(1, 2, cin, 23);
        var g = new OnnxGraphBuilder("conv1d");
        var input = g.Input("x", ElementType.Float, "batch", cin, "time");
        g.Output(Nn.Conv1d(g, input, w.Set, "conv", cin, cout, kernel, ConvSpec.OneD(stride, padding, dilation, groups)),
            "y", ElementType.Float, "batch", cout, "time_out");
        Compare.Close(OrtRunner.Run(g.Build(), Feed.Of("x", x))["y"], Reference.Conv1d(x, W, B, stride, padding, dilation, groups));
    }

    [Fact]
    public void Conv2d_without_bias_matches_reference()
    {
        var w = new RandomWeights(8);
        var W = w.Add("c.weight", 0.3, 5, 3, 3, 3);
        var x = w.Input(1, 2, 3, 4, 9);
        var g = new OnnxGraphBuilder("conv2d");
        var input = g.Input("x", ElementType.Float, "batch", 3, 4, "time");
        g.Output(Nn.Conv2d(g, input, w.Set, "c", 3, 5, 3, ConvSpec.TwoD(padding: 1, bias: false)), "y", ElementType.Float, "batch", 5, 4, "time");
        Compare.Close(OrtRunner.Run(g.Build(), Feed.Of("x", x))["y"], Reference.Conv2d(x, W, null, 1));
    }

    [Theory]
    [InlineData(4, 6, 4, 2, 1, 0, 1, 1)]
    [InlineData(8, 4, 16, 8, 4, 0, 1, 1)]
    [InlineData(6, 6, 5, 3, 1, 1, 3, 1)]
    [InlineData(3, 2, 3, 1, 2, 0, 1, 2)]
    public void ConvTranspose1d_matches_reference(int cin, int cout, int kernel, int stride, int padding, int outputPadding, int groups, int dilation)
    {
        var w = new RandomWeights(9);
        var W = w.Add("up.weight", 0.5, cin, cout / groups, kernel);
        var B = w.Add("up.bias", 0.1, cout);
        var x = w.Input(1, 2, cin, 7);
        var g = new OnnxGraphBuilder("convT");
        var input = g.Input("x", ElementType.Float, "batch", cin, "time");
        g.Output(Nn.ConvTranspose1d(g, input, w.Set, "up", cin, cout, kernel, stride, padding, outputPadding, groups, dilation),
            "y", ElementType.Float, "batch", cout, "time_out");
        Compare.Close(OrtRunner.Run(g.Build(), Feed.Of("x", x))["y"],
            Reference.ConvTranspose1d(x, W, B, stride, padding, outputPadding, groups, dilation));
    }

    [Theory]
    [InlineData(2, 8)]
    [InlineData(1, 6)]
    [InlineData(6, 6)]
    public void GroupNorm_matches_reference(int groups, int channels)
    {
        var w = new RandomWeights(10);
        var gamma = w.Add("gn.weight", 1, channels);
        var beta = w.Add("gn.bias", 1, channels);
        var x = w.Input(2, 3, channels, 11);
        var g = new OnnxGraphBuilder("gn");
        var input = g.Input("x", ElementType.Float, "batch", channels, "time");
        g.Output(Nn.GroupNorm(g, input, w.Set, "gn", groups, channels), "y", ElementType.Float, "batch", channels, "time");
        Compare.Close(OrtRunner.Run(g.Build(), Feed.Of("x", x))["y"], Reference.GroupNorm(x, groups, gamma, beta, 1e-5));
    }

    [Fact]
    public void BatchNorm_uses_running_statistics()
    {
        var w = new RandomWeights(11);
        var gamma = w.Add("bn.weight", 1, 4); var beta = w.Add("bn.bias", 1, 4);
        var mean = w.Add("bn.running_mean", 1, 4);
        var variance = w.Add("bn.running_var", 0.5, 4).Map(v => Math.Abs(v) + 0.1).RoundedToFloat();
        w.Set.Add("bn.running_var", variance.ToFloat(), 4);
        var x = w.Input(2, 2, 4, 3, 5);
        var g = new OnnxGraphBuilder("bn");
        var input = g.Input("x", ElementType.Float, "batch", 4, 3, "time");
        g.Output(Nn.BatchNorm(g, input, w.Set, "bn", 4), "y", ElementType.Float, "batch", 4, 3, "time");
        Compare.Close(OrtRunner.Run(g.Build(), Feed.Of("x", x))["y"], Reference.BatchNorm(x, gamma, beta, mean, variance, 1e-5));
    }

    [Fact]
    public void Residual_block_of_linear_and_gelu_matches_reference()
    {
        var w = new RandomWeights(12);
        var (W1, B1) = w.Linear("ff.0", 8, 32);
        var (W2, B2) = w.Linear("ff.2", 32, 8);
        var x = w.Input(1, 2, 3, 8);
        var g = new OnnxGraphBuilder("res");
        var input = g.Input("x", ElementType.Float, "batch", "frames", 8);
        var y = Nn.Residual(g, input, h => Nn.Linear(g, Nn.Gelu(g, Nn.Linear(g, h, w.Set, "ff.0", 8, 32)), w.Set, "ff.2", 32, 8));
        g.Output(y, "y", ElementType.Float, "batch", "frames", 8);
        var expected = Reference.Linear(Reference.Linear(x, W1, B1).Map(Reference.Gelu), W2, B2);
        for (int i = 0; i < expected.Data.Length; i++) expected.Data[i] += x.Data[i];
        Compare.Close(OrtRunner.Run(g.Build(), Feed.Of("x", x))["y"], expected);
    }
}
