namespace SoundStorm.Export.Acoustic;

/// <summary>The tensor names a seed-family <c>Text2ImageTransformer</c> state dict holds for a configuration.</summary>
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

    /// <summary>Buffers that exist in upstream state dicts but no graph needs.</summary>
    public static bool IsIgnorable(string name) =>
        name.EndsWith(".num_batches_tracked", StringComparison.Ordinal) || name is "cls_ids" or "content_emb.position_ids"
        or "target_acoustic_pos_emb.emb.weight";
}
