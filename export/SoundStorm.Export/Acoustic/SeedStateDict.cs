using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Acoustic;

/// <summary>The tensors a seed-family <c>Text2ImageTransformer</c> state dict holds for a configuration; and random weights of that layout.</summary>
public static class SeedStateDict
{
    /// <summary>Every learned tensor and used buffer the graphs read (bookkeeping buffers excluded).</summary>
    public static IEnumerable<string> ExpectedNames(SeedModelConfig c)
    {
        for (int q = 0; q < c.Codebooks; q++) yield return $"content_emb.embs.{q}.weight";
        yield return "content_emb.pos_emb.weight";
        yield return "semantic_embedding.weight";
        foreach (var unet in new[] { "inc", "down1.maxpool_conv.1", "up1.conv" })
        {
            foreach (int conv in new[] { 0, 3 }) yield return $"{unet}.double_conv.{conv}.weight";
            foreach (int bn in new[] { 1, 4 })
                foreach (var part in new[] { "weight", "bias", "running_mean", "running_var" })
                    yield return $"{unet}.double_conv.{bn}.{part}";
        }
        for (int i = 0; i < c.Layers; i++)
        {
            foreach (var ln in new[] { "ln1", "ln1_1" })
            {
                yield return $"blocks.{i}.{ln}.emb.weight";
                yield return $"blocks.{i}.{ln}.linear.weight";
                yield return $"blocks.{i}.{ln}.linear.bias";
            }
            yield return $"blocks.{i}.ln2.weight";
            yield return $"blocks.{i}.ln2.bias";
            foreach (var attn in new[] { "attn1", "attn2" })
                foreach (var proj in new[] { "key", "query", "value", "proj" })
                {
                    yield return $"blocks.{i}.{attn}.{proj}.weight";
                    yield return $"blocks.{i}.{attn}.{proj}.bias";
                }
            foreach (var mlp in new[] { "mlp.0", "mlp.2" })
            {
                yield return $"blocks.{i}.{mlp}.weight";
                yield return $"blocks.{i}.{mlp}.bias";
            }
        }
        yield return "prompt_semantic_pos_emb.emb.weight";
        yield return "target_semantic_pos_emb.emb.weight";
        yield return "prompt_acoustic_pos_emb.emb.weight";
    }

    /// <summary>(name, PyTorch-layout shape) of every tensor in <see cref="ExpectedNames"/>, in the same order.</summary>
    public static IEnumerable<(string Name, long[] Shape)> Shapes(SeedModelConfig c)
    {
        long d = c.Dim, hidden = (long)c.MlpHiddenTimes * c.Dim;
        foreach (string name in ExpectedNames(c))
        {
            string[] parts = name.Split('.');
            long[] shape = name switch
            {
                _ when name.StartsWith("content_emb.embs.", StringComparison.Ordinal) => [c.ContentRows, d],
                "content_emb.pos_emb.weight" => [c.MaxFrames, d],
                "semantic_embedding.weight" => [c.SemanticVocab + 4, d],
                "prompt_semantic_pos_emb.emb.weight" => [c.PromptSemanticPositions, d],
                "target_semantic_pos_emb.emb.weight" => [c.TargetSemanticPositions, d],
                "prompt_acoustic_pos_emb.emb.weight" => [c.PromptAcousticPositions, d],
                _ when name.Contains(".double_conv.", StringComparison.Ordinal) => parts[^2] is "0" or "3"
                    // The up path's first convolution reads the skip and the upsampled sequence stacked: 2D channels.
                    ? [d, name.StartsWith("up1.", StringComparison.Ordinal) && parts[^2] == "0" ? 2 * d : d, 3, 3]
                    : [d],
                _ when name.EndsWith(".emb.weight", StringComparison.Ordinal) => [c.TimestepRows, d], // AdaLN timestep tables
                _ when name.Contains(".linear.", StringComparison.Ordinal) => parts[^1] == "weight" ? [2 * d, d] : [2 * d],
                _ when name.Contains(".mlp.0.", StringComparison.Ordinal) => parts[^1] == "weight" ? [hidden, d] : [hidden],
                _ when name.Contains(".mlp.2.", StringComparison.Ordinal) => parts[^1] == "weight" ? [d, hidden] : [d],
                _ when name.Contains(".attn", StringComparison.Ordinal) => parts[^1] == "weight" ? [d, d] : [d],
                _ when name.Contains(".ln2.", StringComparison.Ordinal) => [d],
                _ => throw new InvalidOperationException($"No shape rule for seed tensor '{name}'."),
            };
            yield return (name, shape);
        }
    }

    /// <summary>Random weights of the seed layout, deterministic for a seed — for benchmarks and tests of the runtime.</summary>
    public static WeightSet Random(SeedModelConfig c, int seed) =>
        RandomWeights.Create(Shapes(c), $"random seed-family weights (seed {seed})", seed);

    /// <summary>Buffers that exist in upstream state dicts but no graph needs.</summary>
    public static bool IsIgnorable(string name) =>
        name.EndsWith(".num_batches_tracked", StringComparison.Ordinal) || name is "cls_ids" or "content_emb.position_ids"
        or "target_acoustic_pos_emb.emb.weight";
}
