using SoundStorm.Export.Acoustic;
using SoundStorm.Export.Onnx;
using SoundStorm.Export.Onnx.Blocks;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Baselines;

/// <summary>
/// The autoregressive baseline (<see cref="AutoregressiveGraph"/>'s network and weights) cut at every attention, so
/// that the attention over the key/value cache can run outside the graphs — the benchmark's decoder keeps that cache
/// in int8 and attends over it with its own kernel, which no ONNX Runtime CPU operator can do without first
/// expanding the cache to float. Graph 0 (<c>entry</c>): <c>tokens</c> int64 [B, S] and <c>position</c> int64 [] (P,
/// the tokens already cached) → <c>hidden</c> (the embeddings) and block 0's <c>query</c>, <c>key</c>,
/// <c>value</c>. Graph i, 1 ≤ i &lt; layers: <c>hidden_in</c> (the residual stream entering block i − 1),
/// <c>attention</c> (block i − 1's attention, heads merged, before its output projection) and <c>position</c> →
/// <c>hidden</c> (the stream after block i − 1) and block i's <c>query</c>, <c>key</c>, <c>value</c>. The last graph
/// (<c>exit</c>): <c>hidden_in</c> and <c>attention</c> → <c>logits</c> [B, Vocabulary] of the last position. Every
/// activation is [B, S, D] with head h in features h·hd..(h+1)·hd; queries and keys carry the rotary positions
/// P..P+S−1, as in the standard graph.
/// </summary>
public static class LayeredAutoregressiveGraphs
{
    /// <summary>Input and output names.</summary>
    public const string Tokens = "tokens", Position = "position", HiddenIn = "hidden_in", Attention = "attention",
        Hidden = "hidden", Query = "query", Key = "key", Value = "value", Logits = "logits";

    /// <summary>The <c>layers + 1</c> graphs, in the order a step runs them.</summary>
    public static IReadOnlyList<OnnxModel> Build(AutoregressiveConfig c, WeightSet w)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(w);
        var graphs = new List<OnnxModel>(c.Layers + 1);
        for (int cut = 0; cut <= c.Layers; cut++)
        {
            var g = new OnnxGraphBuilder(cut == 0 ? "autoregressive_entry" : cut == c.Layers ? "autoregressive_exit" : $"autoregressive_cut_{cut}");
            GraphValue x;
            if (cut == 0)
                x = Nn.Embedding(g, g.Input(Tokens, ElementType.Int64, "batch", "chunk"), w, "token_emb", c.Vocabulary, c.Dim);
            else
            {
                x = g.Input(HiddenIn, ElementType.Float, "batch", "chunk", c.Dim);
                var attention = g.Input(Attention, ElementType.Float, "batch", "chunk", c.Dim);
                using var _ = g.Scope($"block{cut - 1}");
                x = AutoregressiveGraph.Residuals(g, c, w, cut - 1, x, attention);
            }
            if (cut == c.Layers)
                AutoregressiveGraph.LastLogits(g, c, w, x);
            else
            {
                var position = g.Input(Position, ElementType.Int64);
                g.Output(x, Hidden, ElementType.Float, "batch", "chunk", c.Dim);
                using var _ = g.Scope($"block{cut}");
                QueryKeyValue(g, c, w, cut, x, position);
            }
            graphs.Add(g.Build(new ModelOptions { DocString = $"Autoregressive acoustic baseline, cut {cut} of {c.Layers} (attention runs outside the graph)" }));
        }
        return graphs;
    }

    // Block i's ln1 and projections; rotary positions from P on for the query and the key.
    private static void QueryKeyValue(OnnxGraphBuilder g, AutoregressiveConfig c, WeightSet w, int i, GraphValue x, GraphValue position)
    {
        long headDim = c.Dim / c.Heads;
        var h = Nn.LayerNorm(g, x, w, $"blocks.{i}.ln1", c.Dim);
        var (cos, sin) = Rotary.Tables(g, x, headDim, AutoregressiveGraph.RotaryBase, position);
        GraphValue Rotated(GraphValue v)
        {
            var heads = g.Transpose(g.Reshape(v, 0, 0, c.Heads, headDim), 0, 2, 1, 3);
            return g.Reshape(g.Transpose(Rotary.Apply(g, heads, cos, sin, headDim), 0, 2, 1, 3), 0, 0, c.Dim);
        }
        g.Output(Rotated(Nn.Linear(g, h, w, $"blocks.{i}.attn.query", c.Dim, c.Dim)), Query, ElementType.Float, "batch", "chunk", c.Dim);
        g.Output(Rotated(Nn.Linear(g, h, w, $"blocks.{i}.attn.key", c.Dim, c.Dim)), Key, ElementType.Float, "batch", "chunk", c.Dim);
        g.Output(Nn.Linear(g, h, w, $"blocks.{i}.attn.value", c.Dim, c.Dim), Value, ElementType.Float, "batch", "chunk", c.Dim);
    }
}
