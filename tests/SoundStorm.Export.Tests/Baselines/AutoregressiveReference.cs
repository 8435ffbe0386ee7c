using SoundStorm.Export.Baselines;

namespace SoundStorm.Export.Tests.Baselines;

/// <summary>
/// The autoregressive baseline's test case: a tiny config, random weights, a token sequence decoded as a prefill of 5
/// and three one-token steps, and the float64 full-sequence causal forward every decoder is held to.
/// </summary>
internal static class AutoregressiveReference
{
    public static readonly AutoregressiveConfig Config = new() { Dim = 32, Layers = 2, Heads = 2, FeedForward = 48, Codebooks = 2, CodebookSize = 7, SemanticVocab = 5 };

    public static readonly long[] Sequence = { 1, 4, 0, 9, 12, 5, 17, 6 };

    // Prefill of 5, then three one-token steps.
    public static readonly long[][] Chunks = { Sequence[..5], Sequence[5..6], Sequence[6..7], Sequence[7..] };

    public static DTensor ExpectedRow(DTensor expected, int position) =>
        new(expected.Data.AsSpan((position - 1) * Config.Vocabulary, Config.Vocabulary).ToArray(), 1, Config.Vocabulary);

    public static RandomWeights Weights()
    {
        var c = Config;
        var w = new RandomWeights(21);
        w.Add("token_emb.weight", 1, c.Vocabulary, c.Dim);
        for (int i = 0; i < c.Layers; i++)
        {
            w.Add($"blocks.{i}.ln1.weight", 1, c.Dim); w.Add($"blocks.{i}.ln1.bias", 0.1, c.Dim);
            foreach (var p in new[] { "query", "key", "value", "proj" }) w.Linear($"blocks.{i}.attn.{p}", c.Dim, c.Dim);
            w.Add($"blocks.{i}.ln2.weight", 1, c.Dim); w.Add($"blocks.{i}.ln2.bias", 0.1, c.Dim);
            w.Linear($"blocks.{i}.mlp.0", c.Dim, c.FeedForward); w.Linear($"blocks.{i}.mlp.2", c.FeedForward, c.Dim);
        }
        w.Add("norm.weight", 1, c.Dim); w.Add("norm.bias", 0.1, c.Dim);
        w.Linear("head", c.Dim, c.Vocabulary);
        return w;
    }

    public static DTensor ReferenceLogits(RandomWeights w, long[] sequence)
    {
        var c = Config;
        int n = sequence.Length, hd = c.Dim / c.Heads;
        var r = w.Ref;
        var x = DTensor.Zeros(1, n, c.Dim);
        for (int t = 0; t < n; t++)
            for (int d = 0; d < c.Dim; d++) x[0, t, d] = r["token_emb.weight"][(int)sequence[t], d];
        for (int i = 0; i < c.Layers; i++)
        {
            var h = Reference.LayerNorm(x, r[$"blocks.{i}.ln1.weight"], r[$"blocks.{i}.ln1.bias"], 1e-5);
            DTensor L(string p, DTensor input) => Reference.Linear(input, r[$"blocks.{i}.{p}.weight"], r[$"blocks.{i}.{p}.bias"]);
            var q = Rotate(L("attn.query", h), c.Heads); var k = Rotate(L("attn.key", h), c.Heads); var v = L("attn.value", h);
            var merged = DTensor.Zeros(1, n, c.Dim);
            for (int head = 0; head < c.Heads; head++)
                for (int a = 0; a < n; a++)
                {
                    var s = new double[a + 1];
                    double max = double.NegativeInfinity, z = 0;
                    for (int b = 0; b <= a; b++)
                    {
                        for (int e = 0; e < hd; e++) s[b] += q[0, a, head * hd + e] * k[0, b, head * hd + e];
                        s[b] /= Math.Sqrt(hd); max = Math.Max(max, s[b]);
                    }
                    for (int b = 0; b <= a; b++) { s[b] = Math.Exp(s[b] - max); z += s[b]; }
                    for (int e = 0; e < hd; e++)
                        for (int b = 0; b <= a; b++) merged[0, a, head * hd + e] += s[b] / z * v[0, b, head * hd + e];
                }
            var attn = L("attn.proj", merged);
            for (int j = 0; j < x.Data.Length; j++) x.Data[j] += attn.Data[j];
            var m = L("mlp.2", L("mlp.0", Reference.LayerNorm(x, r[$"blocks.{i}.ln2.weight"], r[$"blocks.{i}.ln2.bias"], 1e-5)).Map(Reference.Gelu));
            for (int j = 0; j < x.Data.Length; j++) x.Data[j] += m.Data[j];
        }
        return Reference.Linear(Reference.LayerNorm(x, r["norm.weight"], r["norm.bias"], 1e-5), r["head.weight"], r["head.bias"]).Reshape(n, c.Vocabulary);
    }

    // Rotate-half rotary at absolute positions 0..n−1 with base 10000.
    private static DTensor Rotate(DTensor x, int heads)
    {
        int n = x.Shape[1], dim = x.Shape[2], hd = dim / heads, half = hd / 2;
        var y = DTensor.Zeros(x.Shape);
        for (int t = 0; t < n; t++)
            for (int h = 0; h < heads; h++)
                for (int e = 0; e < hd; e++)
                {
                    int i = e % half;
                    double angle = t * Math.Pow(10000, -2.0 * i / hd);
                    double rotated = e < half ? -x[0, t, h * hd + e + half] : x[0, t, h * hd + e - half];
                    y[0, t, h * hd + e] = x[0, t, h * hd + e] * Math.Cos(angle) + rotated * Math.Sin(angle);
                }
        return y;
    }
}
