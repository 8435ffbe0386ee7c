using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Acoustic;

/// <summary>Every tensor a paper-family model has, with its PyTorch-layout shape; and random weights of that layout.</summary>
public static class PaperStateDict
{
    /// <summary>(name, shape) of every tensor the paper-family graphs read.</summary>
    public static IEnumerable<(string Name, long[] Shape)> Shapes(PaperModelConfig c)
    {
        long d = c.Dim;
        for (int q = 0; q < c.Codebooks; q++) yield return ($"token_emb.{q}.weight", new long[] { c.CodebookSize + 1, d });
        if (c.Combiner == CombinerKind.UNet)
            foreach (var unet in new[] { "combiner.inc", "combiner.down" })
            {
                yield return ($"{unet}.double_conv.0.weight", new[] { d, d, 3, 3 });
                yield return ($"{unet}.double_conv.3.weight", new[] { d, d, 3, 3 });
                foreach (int bn in new[] { 1, 4 })
                    foreach (var part in new[] { "weight", "bias", "running_mean", "running_var" }) yield return ($"{unet}.double_conv.{bn}.{part}", new[] { d });
            }
        yield return ("semantic_emb.weight", new long[] { c.SemanticVocab + 1, d });
        for (int i = 0; i < c.Layers; i++)
        {
            string p = $"blocks.{i}";
            foreach (var ff in new[] { "ff1", "ff2" })
            {
                foreach (var x in Norm($"{p}.{ff}.norm", d)) yield return x;
                foreach (var x in Linear($"{p}.{ff}.linear1", d, c.FeedForward)) yield return x;
                foreach (var x in Linear($"{p}.{ff}.linear2", c.FeedForward, d)) yield return x;
            }
            foreach (var x in Norm($"{p}.attn_norm", d)) yield return x;
            foreach (var proj in new[] { "query", "key", "value", "proj" })
                foreach (var x in Linear($"{p}.attn.{proj}", d, d)) yield return x;
            foreach (var x in Norm($"{p}.conv.norm", d)) yield return x;
            foreach (var x in Linear($"{p}.conv.pointwise1", d, 2 * d)) yield return x;
            yield return ($"{p}.conv.depthwise.weight", new[] { d, 1, c.ConvKernel });
            yield return ($"{p}.conv.depthwise.bias", new[] { d });
            foreach (var x in Norm($"{p}.conv.depthwise_norm", d)) yield return x;
            foreach (var x in Linear($"{p}.conv.pointwise2", d, d)) yield return x;
            foreach (var x in Norm($"{p}.final_norm", d)) yield return x;
        }
        for (int q = 0; q < c.Codebooks; q++)
            foreach (var x in Linear($"heads.{q}", d, c.CodebookSize)) yield return x;
    }

    /// <summary>
    /// Random weights of the right layout (uniform ±1/√fan-in for matrices, near-identity norms, positive running
    /// variances), deterministic for a seed — for benchmarks and tests of the runtime.
    /// </summary>
    public static WeightSet Random(PaperModelConfig c, int seed) =>
        RandomWeights.Create(Shapes(c), $"random paper-family weights (seed {seed})", seed);

    private static IEnumerable<(string, long[])> Linear(string prefix, long inFeatures, long outFeatures)
    {
        yield return ($"{prefix}.weight", new[] { outFeatures, inFeatures });
        yield return ($"{prefix}.bias", new[] { outFeatures });
    }

    private static IEnumerable<(string, long[])> Norm(string prefix, long dim)
    {
        yield return ($"{prefix}.weight", new[] { dim });
        yield return ($"{prefix}.bias", new[] { dim });
    }
}
