using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Semantic;

/// <summary>
/// Reads a <see cref="HubertConfig"/> off torchaudio-named weights (widths, layer counts, kernels, biases, extractor
/// mode) and completes it with <see cref="HubertConfigHints"/> or the standard defaults for what shapes cannot tell:
/// heads (width / 64), strides (HuBERT's 5,2,2,2,2,2,2 for the standard kernels), pre/post-LN (pre-LN exactly when
/// the extractor uses LayerNorm, as in every released HuBERT/wav2vec 2.0 model) and epsilon (1e-5).
/// </summary>
public static class HubertConfigInference
{
    /// <summary>HuBERT's head width, used when no config states the head count.</summary>
    public const int DefaultHeadDim = 64;

    /// <summary>Infers the configuration; throws <see cref="WeightMismatchException"/> when a size-giving tensor is missing.</summary>
    public static HubertConfig Infer(WeightSet w, HubertConfigHints? hints = null)
    {
        hints ??= new HubertConfigHints();
        var convs = new List<(long Channels, long Kernel)>();
        for (int i = 0; w.Contains($"feature_extractor.conv_layers.{i}.conv.weight"); i++)
        {
            var shape = w.Peek($"feature_extractor.conv_layers.{i}.conv.weight").Shape;
            if (shape.Length != 3) throw new WeightMismatchException($"{w.Source}: conv layer {i} weight is {Text(shape)}, expected [out, in, kernel].");
            convs.Add((shape[0], shape[2]));
        }
        if (convs.Count == 0) throw new WeightMismatchException($"{w.Source}: missing tensor 'feature_extractor.conv_layers.0.conv.weight'.");

        IReadOnlyList<HubertConvLayer> layers;
        if (hints.ConvLayers is { } stated)
        {
            if (stated.Count != convs.Count || stated.Where((l, i) => l.Channels != convs[i].Channels || l.Kernel != convs[i].Kernel).Any())
                throw new WeightMismatchException($"{w.Source}: the config's conv layers ({string.Join(", ", stated.Select(l => $"({l.Channels},{l.Kernel},{l.Stride})"))}) do not match the checkpoint's ({string.Join(", ", convs.Select(c => $"({c.Channels},{c.Kernel})"))}).");
            layers = stated;
        }
        else
        {
            var standard = HubertConfig.StandardConvLayers();
            if (convs.Count != standard.Count || convs.Where((c, i) => c.Kernel != standard[i].Kernel).Any())
                throw new WeightMismatchException($"{w.Source}: conv kernels ({string.Join(", ", convs.Select(c => c.Kernel))}) are not HuBERT's standard ones; give a config that states the strides.");
            layers = convs.Select((c, i) => new HubertConvLayer((int)c.Channels, (int)c.Kernel, standard[i].Stride)).ToArray();
        }

        var mode = hints.ExtractorMode ?? (w.Contains("feature_extractor.conv_layers.1.layer_norm.weight") ? HubertExtractorMode.LayerNorm : HubertExtractorMode.GroupNorm);
        var projection = w.Peek("encoder.feature_projection.projection.weight").Shape;
        int dim = (int)projection[0];
        int depth = 0;
        while (w.Contains($"encoder.transformer.layers.{depth}.attention.q_proj.weight")) depth++;
        int ffn = depth > 0 ? (int)w.Peek("encoder.transformer.layers.0.feed_forward.intermediate_dense.weight").Shape[0] : 4 * dim;
        var pos = w.Peek("encoder.transformer.pos_conv_embed.conv.weight").Shape;
        if (pos.Length != 3 || pos[1] <= 0 || dim % pos[1] != 0)
            throw new WeightMismatchException($"{w.Source}: positional conv weight is {Text(pos)}, expected [{dim}, {dim}/groups, kernel].");

        var config = new HubertConfig
        {
            ConvLayers = layers,
            ExtractorMode = mode,
            ConvBias = w.Contains("feature_extractor.conv_layers.0.conv.bias"),
            EmbedDim = dim,
            PosConvKernel = (int)pos[2],
            PosConvGroups = (int)(dim / pos[1]),
            Layers = depth,
            Heads = hints.Heads ?? Math.Max(1, dim / DefaultHeadDim),
            FeedForwardDim = ffn,
            LayerNormFirst = hints.LayerNormFirst ?? mode == HubertExtractorMode.LayerNorm,
            Epsilon = hints.Epsilon ?? 1e-5f,
        };
        try { config.Validate(); }
        catch (ArgumentException e) { throw new WeightMismatchException($"{w.Source}: {e.Message}"); }
        return config;
    }

    /// <summary>Every tensor name and shape a model of <paramref name="config"/> has, torchaudio names, weight norm folded.</summary>
    public static IEnumerable<(string Name, long[] Shape)> ExpectedTensors(HubertConfig config)
    {
        long inChannels = 1;
        for (int i = 0; i < config.ConvLayers.Count; i++)
        {
            var l = config.ConvLayers[i];
            string p = $"feature_extractor.conv_layers.{i}.";
            yield return (p + "conv.weight", [l.Channels, inChannels, l.Kernel]);
            if (config.ConvBias) yield return (p + "conv.bias", [l.Channels]);
            if (config.ExtractorMode == HubertExtractorMode.LayerNorm || i == 0)
            {
                yield return (p + "layer_norm.weight", [l.Channels]);
                yield return (p + "layer_norm.bias", [l.Channels]);
            }
            inChannels = l.Channels;
        }
        long c = config.ConvDim, d = config.EmbedDim, f = config.FeedForwardDim;
        foreach (var t in Norm("encoder.feature_projection.layer_norm", c)) yield return t;
        yield return ("encoder.feature_projection.projection.weight", [d, c]);
        yield return ("encoder.feature_projection.projection.bias", [d]);
        yield return ("encoder.transformer.pos_conv_embed.conv.weight", [d, d / config.PosConvGroups, config.PosConvKernel]);
        yield return ("encoder.transformer.pos_conv_embed.conv.bias", [d]);
        foreach (var t in Norm("encoder.transformer.layer_norm", d)) yield return t;
        for (int i = 0; i < config.Layers; i++)
        {
            string p = $"encoder.transformer.layers.{i}.";
            foreach (string proj in new[] { "q_proj", "k_proj", "v_proj", "out_proj" })
            {
                yield return ($"{p}attention.{proj}.weight", [d, d]);
                yield return ($"{p}attention.{proj}.bias", [d]);
            }
            foreach (var t in Norm(p + "layer_norm", d)) yield return t;
            yield return (p + "feed_forward.intermediate_dense.weight", [f, d]);
            yield return (p + "feed_forward.intermediate_dense.bias", [f]);
            yield return (p + "feed_forward.output_dense.weight", [d, f]);
            yield return (p + "feed_forward.output_dense.bias", [d]);
            foreach (var t in Norm(p + "final_layer_norm", d)) yield return t;
        }
    }

    /// <summary>Fails with one <see cref="WeightMismatchException"/> listing every missing, unexpected and misshapen tensor.</summary>
    public static void Check(WeightSet w, HubertConfig config)
    {
        var expected = ExpectedTensors(config).ToDictionary(t => t.Name, t => t.Shape, StringComparer.Ordinal);
        var missing = expected.Keys.Where(n => !w.Contains(n)).Order(StringComparer.Ordinal).ToArray();
        var unexpected = w.Names.Where(n => !expected.ContainsKey(n)).Order(StringComparer.Ordinal).ToArray();
        var misshapen = expected.Where(e => w.Contains(e.Key) && !w.Peek(e.Key).Shape.AsSpan().SequenceEqual(e.Value))
            .Select(e => $"{e.Key} {w.Peek(e.Key).ShapeText} (expected {Text(e.Value)})").Order(StringComparer.Ordinal).ToArray();
        if (WeightProblems.Describe(("missing", missing), ("unexpected", unexpected), ("misshapen", misshapen)) is not { } problems) return;
        throw new WeightMismatchException(
            $"{w.Source}: the tensors do not match a HuBERT of {config.Layers} layers × {config.EmbedDim} ({config.ExtractorMode} extractor, {config.ConvLayers.Count} convs): {problems}.");
    }

    private static IEnumerable<(string, long[])> Norm(string prefix, long dim) => [(prefix + ".weight", [dim]), (prefix + ".bias", [dim])];

    private static string Text(long[] shape) => "[" + string.Join(", ", shape) + "]";
}
