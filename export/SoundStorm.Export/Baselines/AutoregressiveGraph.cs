using SoundStorm.Export.Acoustic;
using SoundStorm.Export.Onnx;
using SoundStorm.Export.Onnx.Blocks;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Baselines;

/// <summary>
/// One graph for both phases of autoregressive decoding with a KV cache: <c>tokens</c> int64 [B, S] (the prefix for
/// the prefill, one token per decode step) and per layer <c>past_key_i</c>/<c>past_value_i</c> float [B, H, P, hd]
/// (P = 0 at the start) → <c>logits</c> float [B, Vocabulary] of the last position only, and
/// <c>present_key_i</c>/<c>present_value_i</c> [B, H, P+S, hd]. Pre-LN blocks, rotary positions offset by P,
/// causal mask within the chunk. Weights: <c>token_emb</c>, <c>blocks.i.{ln1, attn.{query,key,value,proj}, ln2,
/// mlp.0, mlp.2}</c>, <c>norm</c>, <c>head</c>. The cache grows by <c>Concat</c>, so every step copies it; see
/// <see cref="SharedCacheAutoregressiveGraph"/> for the variant that writes into a pre-allocated cache in place.
/// </summary>
public static class AutoregressiveGraph
{
    /// <summary>Writes the graph.</summary>
    public static OnnxModel Build(AutoregressiveConfig c, WeightSet w)
    {
        var g = new OnnxGraphBuilder("autoregressive_baseline");
        long headDim = c.Dim / c.Heads;
        var tokens = g.Input("tokens", ElementType.Int64, "batch", "chunk");
        var (pastKeys, pastValues) = CacheInputs(g, c, "past");

        var x = Nn.Embedding(g, tokens, w, "token_emb", c.Vocabulary, c.Dim);
        var past = g.Squeeze(g.Slice(g.Shape(pastKeys[0]), new long[] { 2 }, new long[] { 3 }, new long[] { 0 }), 0); // P (scalar)
        var (cos, sin) = Rotary.Tables(g, x, headDim, RotaryBase, past);
        var causal = CausalBlock(g, x, past);
        x = Blocks(g, c, w, x, (i, h) =>
        {
            GraphValue Heads(GraphValue v) => g.Transpose(g.Reshape(v, 0, 0, c.Heads, headDim), 0, 2, 1, 3);
            var q = Rotary.Apply(g, Heads(Nn.Linear(g, h, w, $"blocks.{i}.attn.query", c.Dim, c.Dim)), cos, sin, headDim);
            var k = g.Concat(2, pastKeys[i], Rotary.Apply(g, Heads(Nn.Linear(g, h, w, $"blocks.{i}.attn.key", c.Dim, c.Dim)), cos, sin, headDim));
            var v = g.Concat(2, pastValues[i], Heads(Nn.Linear(g, h, w, $"blocks.{i}.attn.value", c.Dim, c.Dim)));
            g.Output(k, $"present_key_{i}", ElementType.Float, "batch", c.Heads, "present", headDim);
            g.Output(v, $"present_value_{i}", ElementType.Float, "batch", c.Heads, "present", headDim);
            var scores = g.Mul(g.MatMul(q, g.Transpose(k, 0, 1, 3, 2)), g.FloatScalar((float)(1.0 / Math.Sqrt(headDim))));
            scores = g.Where(causal, g.FloatScalar(-1e9f), scores);
            return g.Reshape(g.Transpose(g.MatMul(g.Softmax(scores, -1), v), 0, 2, 1, 3), 0, 0, c.Dim);
        });
        LastLogits(g, c, w, x);
        return g.Build(new ModelOptions { DocString = "Autoregressive acoustic baseline (decoder-only, KV cache)" });
    }

    /// <summary>Per layer, the <c>past_key_i</c> and <c>past_value_i</c> inputs [B, H, <paramref name="length"/>, hd].</summary>
    internal static (GraphValue[] Keys, GraphValue[] Values) CacheInputs(OnnxGraphBuilder g, AutoregressiveConfig c, string length)
    {
        long headDim = c.Dim / c.Heads;
        var keys = new GraphValue[c.Layers];
        var values = new GraphValue[c.Layers];
        for (int i = 0; i < c.Layers; i++)
        {
            keys[i] = g.Input($"past_key_{i}", ElementType.Float, "batch", c.Heads, length, headDim);
            values[i] = g.Input($"past_value_{i}", ElementType.Float, "batch", c.Heads, length, headDim);
        }
        return (keys, values);
    }

    /// <summary>Rotary base of the baseline's positions.</summary>
    internal const float RotaryBase = 10000f;

    /// <summary>
    /// The pre-LN blocks: x += proj(attention(i, ln1(x))); x += mlp(ln2(x)). <paramref name="attention"/> gets the layer
    /// index and the normalised input [B, S, D] and returns the heads merged back to [B, S, D] (before <c>proj</c>).
    /// </summary>
    internal static GraphValue Blocks(OnnxGraphBuilder g, AutoregressiveConfig c, WeightSet w, GraphValue x, Func<int, GraphValue, GraphValue> attention)
    {
        for (int i = 0; i < c.Layers; i++)
        {
            using var _ = g.Scope($"block{i}");
            x = Residuals(g, c, w, i, x, attention(i, Nn.LayerNorm(g, x, w, $"blocks.{i}.ln1", c.Dim)));
        }
        return x;
    }

    /// <summary>Block i after its attention: x + proj(<paramref name="attention"/>), then + mlp(ln2(·)).</summary>
    internal static GraphValue Residuals(OnnxGraphBuilder g, AutoregressiveConfig c, WeightSet w, int i, GraphValue x, GraphValue attention)
    {
        x = g.Add(x, Nn.Linear(g, attention, w, $"blocks.{i}.attn.proj", c.Dim, c.Dim));
        var m = Nn.Linear(g, Nn.Gelu(g, Nn.Linear(g, Nn.LayerNorm(g, x, w, $"blocks.{i}.ln2", c.Dim), w, $"blocks.{i}.mlp.0", c.Dim, c.FeedForward)),
            w, $"blocks.{i}.mlp.2", c.FeedForward, c.Dim);
        return g.Add(x, m);
    }

    /// <summary>The <c>logits</c> output [B, Vocabulary]: the final norm and head on the last position only (all the next token needs).</summary>
    internal static void LastLogits(OnnxGraphBuilder g, AutoregressiveConfig c, WeightSet w, GraphValue x)
    {
        var last = g.Node("Gather", new[] { x, g.Int64Scalar(-1) }, NodeAttribute.Int("axis", 1));
        var logits = Nn.Linear(g, Nn.LayerNorm(g, last, w, "norm", c.Dim), w, "head", c.Dim, c.Vocabulary);
        g.Output(logits, "logits", ElementType.Float, "batch", c.Vocabulary);
    }

    // True where query i (absolute position P+i) must not see key j (absolute j): j > P + i. Shape [S, P+S].
    private static GraphValue CausalBlock(OnnxGraphBuilder g, GraphValue x, GraphValue past)
    {
        var chunk = g.Squeeze(g.Slice(g.Shape(x), new long[] { 1 }, new long[] { 2 }, new long[] { 0 }), 0);
        var one = g.Int64Scalar(1);
        var queries = g.Unsqueeze(g.Node("Range", new[] { past, g.Add(past, chunk), one }), 1);         // [S, 1]
        var keys = g.Unsqueeze(g.Node("Range", new[] { g.Int64Scalar(0), g.Add(past, chunk), one }), 0); // [1, P+S]
        return g.Node("Greater", new[] { keys, queries });
    }
}
