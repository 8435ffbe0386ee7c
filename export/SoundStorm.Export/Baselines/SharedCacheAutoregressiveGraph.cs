using SoundStorm.Export.Onnx;
using SoundStorm.Export.Onnx.Blocks;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Baselines;

/// <summary>
/// The autoregressive baseline (<see cref="AutoregressiveGraph"/>'s network and weights) with a pre-allocated KV cache
/// that the graph writes in place: attention is ONNX Runtime's com.microsoft <c>GroupQueryAttention</c> (as many KV
/// heads as query heads), which appends the chunk's keys and values at position P of <c>past_key_i</c> /
/// <c>past_value_i</c> [B, H, capacity, hd] and, when <c>present_key_i</c> / <c>present_value_i</c> are bound to the
/// same buffers (IO binding; the benchmark harness's <c>SharedCacheDecoder</c>), copies nothing else — a step reads the cache, it does
/// not rebuild it. Inputs: <c>tokens</c> int64 [B, S]; <c>seqlens_k</c> int32 [B] = P + S − 1;
/// <c>total_sequence_length</c> int32 [1] = P + S; <c>cos_cache</c>/<c>sin_cache</c> (<see cref="RotaryCaches"/>).
/// Output: <c>logits</c> [B, Vocabulary] of the last position. Causal within the chunk; the node applies the rotary
/// positions P..P+S−1 to q and k before caching, as the standard graph does. Chunks: a prefill from an empty cache,
/// then one token per step.
/// </summary>
public static class SharedCacheAutoregressiveGraph
{
    /// <summary>Input names besides the per-layer caches.</summary>
    public const string Tokens = "tokens", SequenceLengths = "seqlens_k", TotalLength = "total_sequence_length", CosCache = "cos_cache", SinCache = "sin_cache";

    /// <summary>
    /// The <c>cos_cache</c> and <c>sin_cache</c> inputs [capacity, hd/2], row p = cos/sin(p·θᵢ) with θᵢ = 10000^(−2i/hd):
    /// computed once per decoder (they depend only on the capacity), not on every step.
    /// </summary>
    public static (float[] Cos, float[] Sin) RotaryCaches(AutoregressiveConfig c, int capacity)
    {
        ArgumentNullException.ThrowIfNull(c);
        int headDim = c.Dim / c.Heads, half = headDim / 2;
        var cos = new float[(long)capacity * half];
        var sin = new float[cos.Length];
        for (int p = 0; p < capacity; p++)
            for (int i = 0; i < half; i++)
            {
                // The standard graph's float32 angle (position × float32 inverse frequency), so both rotate alike.
                float angle = p * (float)Math.Pow(AutoregressiveGraph.RotaryBase, -2.0 * i / headDim);
                cos[(long)p * half + i] = MathF.Cos(angle);
                sin[(long)p * half + i] = MathF.Sin(angle);
            }
        return (cos, sin);
    }

    /// <summary>Writes the graph.</summary>
    public static OnnxModel Build(AutoregressiveConfig c, WeightSet w)
    {
        ArgumentNullException.ThrowIfNull(c);
        long headDim = c.Dim / c.Heads;
        // ONNX Runtime's CPU GroupQueryAttention rotates only head sizes that are multiples of 16.
        if (headDim % 16 != 0) throw new ArgumentException($"Head size {headDim} (Dim {c.Dim} / Heads {c.Heads}): the shared-cache graph needs a multiple of 16.", nameof(c));
        var g = new OnnxGraphBuilder("autoregressive_baseline_shared_cache");
        var tokens = g.Input(Tokens, ElementType.Int64, "batch", "chunk");
        var lengths = g.Input(SequenceLengths, ElementType.Int32, "batch");
        var total = g.Input(TotalLength, ElementType.Int32, 1);
        var (pastKeys, pastValues) = AutoregressiveGraph.CacheInputs(g, c, "capacity");

        var cos = g.Input(CosCache, ElementType.Float, "capacity", headDim / 2);
        var sin = g.Input(SinCache, ElementType.Float, "capacity", headDim / 2);

        var x = Nn.Embedding(g, tokens, w, "token_emb", c.Vocabulary, c.Dim);
        x = AutoregressiveGraph.Blocks(g, c, w, x, (i, h) =>
        {
            // The present caches are the node's own outputs (no Identity copy), so binding them to the past buffers
            // shares them; the node rotates q and k itself (rotate-half, positions from seqlens_k).
            var outputs = g.DomainNode(OnnxGraphBuilder.MicrosoftDomain, "GroupQueryAttention",
                new[]
                {
                    Nn.Linear(g, h, w, $"blocks.{i}.attn.query", c.Dim, c.Dim), Nn.Linear(g, h, w, $"blocks.{i}.attn.key", c.Dim, c.Dim),
                    Nn.Linear(g, h, w, $"blocks.{i}.attn.value", c.Dim, c.Dim), pastKeys[i], pastValues[i], lengths, total, cos, sin,
                },
                new[] { null, $"present_key_{i}", $"present_value_{i}" },
                NodeAttribute.Int("num_heads", c.Heads), NodeAttribute.Int("kv_num_heads", c.Heads),
                NodeAttribute.Int("do_rotary", 1), NodeAttribute.Int("rotary_interleaved", 0));
            g.Output(outputs[1], $"present_key_{i}", ElementType.Float, "batch", c.Heads, "capacity", headDim);
            g.Output(outputs[2], $"present_value_{i}", ElementType.Float, "batch", c.Heads, "capacity", headDim);
            return outputs[0];
        });
        AutoregressiveGraph.LastLogits(g, c, w, x);
        return g.Build(new ModelOptions { DocString = "Autoregressive acoustic baseline (decoder-only, pre-allocated KV cache written in place)" });
    }
}
