using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SoundStorm.Benchmarks.Scenarios.Autoregressive;

/// <summary>
/// One query's attention over an <see cref="Int8LayerCache"/>, every head, in integer multiply-adds: the query is
/// quantised to int8 per head and dotted with the uint8-offset keys (AVX-VNNI <c>vpdpbusd</c>, 8 tokens per
/// instruction chain); the softmax runs in float; the weights (softmax × the value's scale) are quantised to uint8
/// with one scale per group of 64 tokens and multiply-added into the int8 values, 4 tokens per instruction, each
/// group's int32 sums scaled into float accumulators. Without AVX-VNNI a portable path does the same integer
/// arithmetic and the same float operations in the same order, so both give the same bits. Heads are split across
/// <see cref="Int8AttentionWorkers"/>. The kernels are compiled fully optimised at once: a decode step calls them only a
/// few dozen times, too few for tiered compilation to leave its unoptimised first tier in time.
/// </summary>
internal static unsafe class Int8CacheAttention
{
    // How far ahead the kernels ask for the cache's next lines: a single thread streams ~4 % faster with it (measured
    // on the 2-vCPU Zen 4 VM, 0.51 GB of int8 cache per step), the hardware prefetcher alone starting too late.
    private const int PrefetchBytes = 8192;

    /// <summary>
    /// Writes to <paramref name="output"/> at <paramref name="outputOffset"/> (every head, head h at h·HeadDim) the
    /// attention of the query at <paramref name="queryOffset"/> in <paramref name="query"/> over the first
    /// <paramref name="length"/> cached tokens.
    /// </summary>
    public static void Attend(Int8LayerCache cache, float[] query, int queryOffset, int length, float[] output, int outputOffset, Int8AttentionWorkers workers, bool vnni)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, cache.Capacity);
        if (vnni && !AvxVnni.IsSupported) throw new PlatformNotSupportedException("This CPU has no AVX-VNNI: run the int8 attention's portable path (vnni: false).");
        int parts = workers.Count, heads = cache.Heads, headDim = cache.HeadDim;
        if (parts == 1)
        {
            for (int h = 0; h < heads; h++) Head(cache, h, query.AsSpan(queryOffset + h * headDim, headDim), length, output.AsSpan(outputOffset + h * headDim, headDim), workers[0], vnni);
            return;
        }
        Parallel.For(0, parts, workers.Options, part =>
        {
            for (int h = part * heads / parts; h < (part + 1) * heads / parts; h++)
                Head(cache, h, query.AsSpan(queryOffset + h * headDim, headDim), length, output.AsSpan(outputOffset + h * headDim, headDim), workers[part], vnni);
        });
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Head(Int8LayerCache cache, int head, ReadOnlySpan<float> query, int length, Span<float> output, Int8AttentionWorkers.Scratch scratch, bool vnni)
    {
        int headDim = cache.HeadDim;
        Span<sbyte> q = stackalloc sbyte[headDim];
        float queryScale = Int8LayerCache.Quantize(query, q);
        int querySum = 0;
        foreach (sbyte v in q) querySum += v;
        float factor = queryScale / MathF.Sqrt(headDim);

        int tiles = (length + Int8LayerCache.TileTokens - 1) / Int8LayerCache.TileTokens;
        int groups = (length + Int8LayerCache.GroupTokens - 1) / Int8LayerCache.GroupTokens;
        var scores = scratch.Scores.AsSpan(0, groups * Int8LayerCache.GroupTokens);
        var keyScales = cache.KeyScales.AsSpan(head * cache.Capacity, cache.Capacity);
        if (vnni) ScoresVnni(cache.Keys(head), headDim, q, querySum, factor, keyScales, scores, tiles);
        else ScoresPortable(cache.Keys(head), headDim, q, querySum, factor, keyScales, scores, tiles);

        // Softmax numerators; the weights fold in each value's scale, and the normaliser divides at the end.
        var live = scores[..length];
        float max = TensorPrimitives.Max(live);
        TensorPrimitives.Subtract(live, max, live);
        TensorPrimitives.Exp(live, live);
        float normaliser = TensorPrimitives.Sum(live);
        TensorPrimitives.Multiply(live, cache.ValueScales.AsSpan(head * cache.Capacity, length), live);
        scores[length..].Clear();

        var weights = scratch.Weights.AsSpan(0, scores.Length);
        var groupScales = scratch.GroupScales.AsSpan(0, groups);
        for (int g = 0; g < groups; g++)
            groupScales[g] = QuantizeGroup(scores.Slice(g * Int8LayerCache.GroupTokens, Int8LayerCache.GroupTokens), weights.Slice(g * Int8LayerCache.GroupTokens, Int8LayerCache.GroupTokens));

        Span<float> sums = stackalloc float[headDim];
        sums.Clear();
        if (vnni) ValuesVnni(cache.Values(head), headDim, weights, groupScales, sums);
        else ValuesPortable(cache.Values(head), headDim, weights, groupScales, sums);
        TensorPrimitives.Divide(sums, normaliser, output);
    }

    // One uint8 scale per group: weight = round(w · 255 / max w). Returns the dequantisation scale (0: nothing to add).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float QuantizeGroup(ReadOnlySpan<float> w, Span<byte> quantised)
    {
        float max = TensorPrimitives.Max(w);
        if (max <= 0)
        {
            quantised.Clear();
            return 0;
        }
        var inverse = Vector256.Create(255f / max);
        var half = Vector256.Create(0.5f);
        for (int i = 0; i < w.Length; i += 32)
        {
            // w ≥ 0, so + 0.5 and truncation round to nearest; values stay ≤ 255 and narrow without saturation.
            var a = Vector256.ConvertToInt32(Vector256.LoadUnsafe(in w[i]) * inverse + half);
            var b = Vector256.ConvertToInt32(Vector256.LoadUnsafe(in w[i + 8]) * inverse + half);
            var c = Vector256.ConvertToInt32(Vector256.LoadUnsafe(in w[i + 16]) * inverse + half);
            var d = Vector256.ConvertToInt32(Vector256.LoadUnsafe(in w[i + 24]) * inverse + half);
            var bytes = Vector256.Narrow(Vector256.Narrow(a, b).AsUInt16(), Vector256.Narrow(c, d).AsUInt16());
            bytes.StoreUnsafe(ref quantised[i]);
        }
        return max / 255f;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScoresVnni(byte* keys, int headDim, ReadOnlySpan<sbyte> q, int querySum, float factor, ReadOnlySpan<float> keyScales, Span<float> scores, int tiles)
    {
        int chunks = headDim / 4;
        Span<Vector256<sbyte>> broadcast = stackalloc Vector256<sbyte>[chunks];
        for (int c = 0; c < chunks; c++) broadcast[c] = Vector256.Create(MemoryMarshal.Read<int>(MemoryMarshal.AsBytes(q.Slice(4 * c, 4)))).AsSByte();
        var offset = Vector256.Create(128 * querySum);
        var scale = Vector256.Create(factor);
        int tileBytes = Int8LayerCache.TileTokens * headDim;
        for (int t = 0; t < tiles; t++, keys += tileBytes)
        {
            var acc = Vector256<int>.Zero;
            for (int line = 0; line < tileBytes; line += 64) Sse.Prefetch0(keys + PrefetchBytes + line);
            for (int c = 0; c < chunks; c++) acc = AvxVnni.MultiplyWideningAndAdd(acc, Vector256.Load(keys + 32 * c), broadcast[c]);
            var tokenScales = Vector256.LoadUnsafe(in keyScales[t * 8]) * scale;
            (Vector256.ConvertToSingle(acc - offset) * tokenScales).StoreUnsafe(ref scores[t * 8]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScoresPortable(byte* keys, int headDim, ReadOnlySpan<sbyte> q, int querySum, float factor, ReadOnlySpan<float> keyScales, Span<float> scores, int tiles)
    {
        int tileBytes = Int8LayerCache.TileTokens * headDim;
        for (int t = 0; t < tiles; t++, keys += tileBytes)
            for (int token = 0; token < Int8LayerCache.TileTokens; token++)
            {
                int acc = 0;
                for (int d = 0; d < headDim; d++) acc += keys[d / 4 * 32 + token * 4 + d % 4] * q[d];
                scores[t * 8 + token] = (acc - 128 * querySum) * (keyScales[t * 8 + token] * factor);
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ValuesVnni(sbyte* values, int headDim, ReadOnlySpan<byte> weights, ReadOnlySpan<float> groupScales, Span<float> sums)
    {
        const int quads = Int8LayerCache.GroupTokens / Int8LayerCache.QuadTokens;
        Span<Vector256<byte>> broadcast = stackalloc Vector256<byte>[quads];
        int quadBytes = Int8LayerCache.QuadTokens * headDim, groupBytes = Int8LayerCache.GroupTokens * headDim;
        for (int g = 0; g < groupScales.Length; g++, values += groupBytes)
        {
            if (groupScales[g] == 0) continue;
            var scale = Vector256.Create(groupScales[g]);
            for (int k = 0; k < quads; k++)
                broadcast[k] = Vector256.Create(MemoryMarshal.Read<int>(weights.Slice(g * Int8LayerCache.GroupTokens + 4 * k, 4))).AsByte();
            for (int line = 0; line < groupBytes; line += 64) Sse.Prefetch0(values + PrefetchBytes + line);
            for (int c = 0; c < headDim / 8; c++)
            {
                var acc = Vector256<int>.Zero;
                sbyte* chunk = values + 32 * c;
                for (int k = 0; k < quads; k++) acc = AvxVnni.MultiplyWideningAndAdd(acc, broadcast[k], Vector256.Load(chunk + k * quadBytes));
                var total = Vector256.LoadUnsafe(ref sums[8 * c]);
                (total + Vector256.ConvertToSingle(acc) * scale).StoreUnsafe(ref sums[8 * c]);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ValuesPortable(sbyte* values, int headDim, ReadOnlySpan<byte> weights, ReadOnlySpan<float> groupScales, Span<float> sums)
    {
        int quadBytes = Int8LayerCache.QuadTokens * headDim, groupBytes = Int8LayerCache.GroupTokens * headDim;
        for (int g = 0; g < groupScales.Length; g++, values += groupBytes)
        {
            if (groupScales[g] == 0) continue;
            for (int d = 0; d < headDim; d++)
            {
                int acc = 0;
                for (int token = 0; token < Int8LayerCache.GroupTokens; token++)
                    acc += weights[g * Int8LayerCache.GroupTokens + token] * values[token / 4 * quadBytes + d / 8 * 32 + d % 8 * 4 + token % 4];
                sums[d] = sums[d] + acc * groupScales[g];
            }
        }
    }
}
