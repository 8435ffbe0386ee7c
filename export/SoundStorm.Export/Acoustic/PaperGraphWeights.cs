using System.Runtime.InteropServices;
using SoundStorm.Export.Onnx;
using SoundStorm.Export.Onnx.Blocks;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Acoustic;

/// <summary>
/// Reads a paper-family model back out of its combiner and transformer graphs: the configuration (graph metadata and
/// weight shapes) and every state-dict tensor in PyTorch layout, undoing what the writers did (Linear weights stored
/// transposed, the per-level heads stacked into one [Q, D, V] constant, large weights stored as float16). It lets a
/// shipped package — whose training checkpoint is not shipped — be trained further.
/// </summary>
public static class PaperGraphWeights
{
    private const string HeadsWeight = "heads_weight", HeadsBias = "heads_bias", RotaryTable = "rotary_inverse_frequencies";

    /// <summary>The configuration and weights of the paper-family graphs <paramref name="combiner"/> and <paramref name="transformer"/>.</summary>
    /// <exception cref="OnnxFormatException">A graph is not a paper-family graph, or lacks a tensor or metadata entry (named).</exception>
    public static (PaperModelConfig Config, WeightSet Weights) Read(OnnxModel combiner, OnnxModel transformer, string source = "package")
    {
        var tensors = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        Collect(combiner, tensors);
        Collect(transformer, tensors);
        var config = ReadConfig(transformer, tensors, source);

        var weights = new WeightSet(source);
        foreach (var (name, shape) in PaperStateDict.Shapes(config))
        {
            if (name.StartsWith("heads.", StringComparison.Ordinal)) continue;
            var stored = Require(tensors, name, source);
            bool transposed = shape.Length == 2 && IsLinearWeight(name);
            long[] storedShape = transposed ? [shape[1], shape[0]] : shape;
            float[] values = ToFloat(stored, name, storedShape, source);
            weights.Add(name, transposed ? Nn.Transpose2D(values, shape[1], shape[0]) : values, shape);
        }

        // The heads: one [Q, D, V] matrix and one [Q, V] bias, gathered by level at run time.
        long q = config.Codebooks, d = config.Dim, v = config.CodebookSize;
        float[] heads = ToFloat(RequirePrefix(tensors, HeadsWeight, source), HeadsWeight, [q, d, v], source);
        float[] biases = ToFloat(RequirePrefix(tensors, HeadsBias, source), HeadsBias, [q, v], source);
        for (long level = 0; level < q; level++)
        {
            weights.Add($"heads.{level}.weight", Nn.Transpose2D(heads.AsSpan((int)(level * d * v), (int)(d * v)).ToArray(), d, v), v, d);
            weights.Add($"heads.{level}.bias", biases.AsSpan((int)(level * v), (int)v).ToArray(), v);
        }
        return (config, weights);
    }

    private static PaperModelConfig ReadConfig(OnnxModel transformer, Dictionary<string, TensorData> tensors, string source)
    {
        var metadata = transformer.Proto.MetadataProps.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        string Meta(string key) => metadata.TryGetValue(key, out var value)
            ? value
            : throw new OnnxFormatException($"{source}: the transformer graph has no '{key}' metadata; it was not written by this project's paper-family exporter.");
        int Int(string key) => int.TryParse(Meta(key), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new OnnxFormatException($"{source}: metadata '{key}' = '{Meta(key)}' is not an integer.");

        string family = Meta("soundstorm.family");
        if (family != "maskgit")
            throw new OnnxFormatException($"{source}: the graphs are of the '{family}' family; only the paper family ('maskgit') can be read back into a training checkpoint.");
        var combinerKind = metadata.GetValueOrDefault("soundstorm.combiner", "sum") switch
        {
            "sum" => CombinerKind.Sum,
            "unet" => CombinerKind.UNet,
            var other => throw new OnnxFormatException($"{source}: unknown combiner kind '{other}' (expected 'sum' or 'unet')."),
        };
        int dim = Int("soundstorm.dim"), heads = Int("soundstorm.heads");
        // Sizes the metadata does not carry come from the weights' shapes.
        var firstLinear = Require(tensors, "blocks.0.ff1.linear1.weight", source);
        var depthwise = Require(tensors, "blocks.0.conv.depthwise.weight", source);
        int layers = Int("soundstorm.layers");
        var config = new PaperModelConfig
        {
            Dim = dim, Layers = layers, Heads = heads,
            FeedForward = checked((int)firstLinear.Shape[^1]),
            ConvKernel = checked((int)depthwise.Shape[^1]),
            Codebooks = Int("soundstorm.codebooks"), CodebookSize = Int("soundstorm.codebook_size"),
            SemanticVocab = Int("soundstorm.semantic_vocab"), Combiner = combinerKind,
            RotaryBase = RotaryBase(RequirePrefix(tensors, RotaryTable, source), dim / heads, source),
        };
        try { return config.Validate(); }
        catch (ArgumentException e) { throw new OnnxFormatException($"{source}: {e.Message}", e); }
    }

    // The table holds θ^(−2i/d) for i < d/2, so its second entry estimates θ = table[1]^(−d/2). Float rounding (float16
    // when the table was stored small) moves that estimate off the true base, so the default base and the estimate's
    // nearest whole number are tried first: the first whose whole table matches at the stored precision is taken.
    private static float RotaryBase(TensorData table, int headDim, string source)
    {
        float[] values = ToFloat(table, RotaryTable, [1, headDim], source);
        if (headDim < 4 || !(values[1] > 0f && values[1] < 1f))
            throw new OnnxFormatException($"{source}: the rotary table ({headDim} entries, second {(headDim < 2 ? "missing" : values[1].ToString(CultureInfo.InvariantCulture))}) cannot give a rotary base.");
        double estimate = Math.Pow(values[1], -headDim / 2.0);
        double tolerance = table.ElementType == ElementType.Float16 ? 1e-3 : 1e-6;
        foreach (double candidate in new[] { new PaperModelConfig().RotaryBase, Math.Round(estimate) })
        {
            bool matches = true;
            for (int i = 0; i < headDim / 2 && matches; i++)
            {
                double expected = Math.Pow(candidate, -2.0 * i / headDim);
                matches = Math.Abs(values[i] - expected) <= tolerance * expected;
            }
            if (matches) return (float)candidate;
        }
        return (float)estimate;
    }

    private static void Collect(OnnxModel model, Dictionary<string, TensorData> into)
    {
        foreach (var initializer in model.Proto.Graph.Initializer)
        {
            string name = initializer.Name.EndsWith(Float16Weights.Suffix, StringComparison.Ordinal)
                ? initializer.Name[..^Float16Weights.Suffix.Length]
                : initializer.Name;
            into[name] = model.ReadInitializer(initializer.Name);
        }
    }

    private static TensorData Require(Dictionary<string, TensorData> tensors, string name, string source) =>
        tensors.TryGetValue(name, out var data) ? data : throw new OnnxFormatException($"{source}: the graphs hold no tensor '{name}'.");

    // Constants get a counter suffix from the graph builder (heads_weight_0); exactly one must match.
    private static TensorData RequirePrefix(Dictionary<string, TensorData> tensors, string prefix, string source)
    {
        var matches = tensors.Where(t => t.Key == prefix || (t.Key.StartsWith(prefix + "_", StringComparison.Ordinal) && t.Key[(prefix.Length + 1)..].All(char.IsAsciiDigit))).ToArray();
        return matches.Length == 1
            ? matches[0].Value
            : throw new OnnxFormatException($"{source}: expected one '{prefix}' constant in the transformer graph, found {matches.Length}.");
    }

    private static bool IsLinearWeight(string name) =>
        name.StartsWith("blocks.", StringComparison.Ordinal) && name.EndsWith(".weight", StringComparison.Ordinal);

    private static float[] ToFloat(TensorData data, string name, long[] expectedShape, string source)
    {
        if (!data.Shape.SequenceEqual(expectedShape))
            throw new OnnxFormatException($"{source}: tensor '{name}' has shape [{string.Join(", ", data.Shape)}], expected [{string.Join(", ", expectedShape)}].");
        var bytes = data.GetBytes().Span;
        return data.ElementType switch
        {
            ElementType.Float => MemoryMarshal.Cast<byte, float>(bytes).ToArray(),
            ElementType.Float16 => Array.ConvertAll(MemoryMarshal.Cast<byte, Half>(bytes).ToArray(), h => (float)h),
            var other => throw new OnnxFormatException($"{source}: tensor '{name}' holds {other} values, expected float or float16."),
        };
    }
}
