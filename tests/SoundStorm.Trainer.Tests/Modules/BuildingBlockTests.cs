using SoundStorm.Trainer.Seed;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.Modules;

/// <summary>Each building block against a float64 computation written out in C#.</summary>
public sealed class BuildingBlockTests
{
    private static void Randomise(nn.Module module, int seed)
    {
        var rng = new Random(seed);
        using var _ = no_grad();
        foreach (var (_, p) in module.named_parameters())
            p.copy_(tensor(Enumerable.Range(0, (int)p.numel()).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray(), p.shape));
    }

    private static double[,] Matrix(Tensor t)
    {
        double[] v = Compare.ToDoubles(t);
        var m = new double[t.shape[0], t.shape[1]];
        Buffer.BlockCopy(v, 0, m, 0, v.Length * 8);
        return m;
    }

    // y = x Wᵀ + b for one row.
    private static double[] Affine(double[] x, double[,] w, double[] b) =>
        Enumerable.Range(0, b.Length).Select(o => b[o] + Enumerable.Range(0, x.Length).Sum(i => x[i] * w[o, i])).ToArray();

    [Fact]
    public void Gelu2_is_x_times_sigmoid_1702x()
    {
        using var scope = NewDisposeScope();
        double[] x = { -4, -1.5, -0.2, 0, 0.3, 1, 2.5, 6 };
        double[] expected = x.Select(v => v / (1 + Math.Exp(-1.702 * v))).ToArray();
        Compare.Close(expected, Compare.ToDoubles(new Gelu2().forward(tensor(x.Select(v => (float)v).ToArray()))), 1e-6, 1e-6, "GELU2");
    }

    [Fact]
    public void AdaLayerNorm_scales_and_shifts_a_plain_layer_norm_by_the_timestep_row()
    {
        const int d = 4, rows = 7;
        using var scope = NewDisposeScope();
        var norm = new AdaLayerNorm(d, rows);
        Randomise(norm, 3);
        var rng = new Random(4);
        float[] xs = Enumerable.Range(0, 2 * 3 * d).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        long[] t = { 5, 1 };
        Tensor actual = norm.forward(tensor(xs, 2, 3, d), tensor(t));

        var p = norm.named_parameters().ToDictionary(n => n.name, n => n.parameter);
        double[,] table = Matrix(p["emb.weight"]), w = Matrix(p["linear.weight"]);
        double[] bias = Compare.ToDoubles(p["linear.bias"]);
        var expected = new List<double>();
        for (int b = 0; b < 2; b++)
        {
            double[] e = Enumerable.Range(0, d).Select(i => table[t[b], i]).Select(v => v / (1 + Math.Exp(-v))).ToArray();
            double[] h = Affine(e, w, bias);
            for (int j = 0; j < 3; j++)
            {
                double[] x = Enumerable.Range(0, d).Select(i => (double)xs[(b * 3 + j) * d + i]).ToArray();
                double mean = x.Average(), sd = Math.Sqrt(x.Select(v => (v - mean) * (v - mean)).Average() + 1e-5);
                expected.AddRange(Enumerable.Range(0, d).Select(i => (x[i] - mean) / sd * (1 + h[i]) + h[d + i]));
            }
        }
        Compare.Close(expected.ToArray(), Compare.ToDoubles(actual), 1e-5, 1e-4, "AdaLayerNorm");
    }

    [Fact]
    public void Attention_ignores_padded_keys_and_matches_per_head_softmax_reference()
    {
        const int d = 4, heads = 2, hd = 2, tq = 3, tk = 4;
        using var scope = NewDisposeScope();
        var attention = new MultiHeadAttention(d, d, heads);
        Randomise(attention, 8);
        var rng = new Random(12);
        float[] xs = Enumerable.Range(0, tq * d).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        float[] cs = Enumerable.Range(0, tk * d).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        bool[] pad = { false, true, false, true };
        Tensor actual = attention.forward(tensor(xs, 1, tq, d), tensor(cs, 1, tk, d), tensor(pad, 1, tk));

        var p = attention.named_parameters().ToDictionary(n => n.name, n => n.parameter);
        double[] Row(float[] src, int r) => Enumerable.Range(0, d).Select(i => (double)src[r * d + i]).ToArray();
        double[][] Project(string name, float[] src, int n) =>
            Enumerable.Range(0, n).Select(r => Affine(Row(src, r), Matrix(p[name + ".weight"]), Compare.ToDoubles(p[name + ".bias"]))).ToArray();
        double[][] q = Project("query", xs, tq), k = Project("key", cs, tk), v = Project("value", cs, tk);
        var expected = new List<double>();
        for (int i = 0; i < tq; i++)
        {
            var mixed = new double[d];
            for (int h = 0; h < heads; h++)
            {
                double[] s = Enumerable.Range(0, tk).Select(j => pad[j] ? double.NegativeInfinity
                    : Enumerable.Range(0, hd).Sum(c => q[i][h * hd + c] * k[j][h * hd + c]) / Math.Sqrt(hd)).ToArray();
                double max = s.Max();
                double[] e = s.Select(z => Math.Exp(z - max)).ToArray();
                double total = e.Sum();
                for (int c = 0; c < hd; c++)
                    mixed[h * hd + c] = Enumerable.Range(0, tk).Sum(j => e[j] / total * v[j][h * hd + c]);
            }
            expected.AddRange(Affine(mixed, Matrix(p["proj.weight"]), Compare.ToDoubles(p["proj.bias"])));
        }
        Compare.Close(expected.ToArray(), Compare.ToDoubles(actual), 1e-5, 1e-4, "attention");
    }

    [Fact]
    public void CodebookDown_and_Up_keep_conv_layout_and_skip_channels_first()
    {
        using var scope = NewDisposeScope();
        var down = new CodebookDown(3, 4);
        var up = new CodebookUp(3, 4);
        down.eval(); up.eval();
        Tensor x = randn(2, 3, 4, 5);
        Assert.Equal(new long[] { 2, 3, 1, 5 }, down.forward(x).shape);
        Assert.Equal(new long[] { 2, 3, 4, 5 }, up.forward(down.forward(x), x).shape);
        var names = up.named_parameters().Select(n => n.name).ToList();
        Assert.Equal(new long[] { 3, 6, 3, 3 }, up.named_parameters().Single(n => n.name == "conv.double_conv.0.weight").parameter.shape);
        Assert.Contains("conv.double_conv.4.bias", names);
    }
}
