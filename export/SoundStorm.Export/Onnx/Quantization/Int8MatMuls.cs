using System.Runtime.InteropServices;
using SoundStorm.Export.Onnx.Proto;

namespace SoundStorm.Export.Onnx.Quantization;

/// <summary>
/// Dynamic int8 quantisation of a finished model, the counterpart of ONNX Runtime's Python <c>quantize_dynamic</c>:
/// every MatMul whose right operand is a constant float matrix of at least <see cref="Int8Options.MinElements"/>
/// values becomes one <c>com.microsoft.DynamicQuantizeMatMul</c> node with that matrix stored as symmetric
/// per-column int8 (<see cref="Int8Weights"/>); the activations are quantised to uint8 per tensor when the node runs.
/// A following <c>Add</c> of a constant [N] bias is folded into the node. ONNX Runtime fuses its own
/// DynamicQuantizeLinear → MatMulInteger → Cast → Mul chains into this very node, so writing it directly gives the
/// same kernel at every session optimisation level. With <see cref="Int8Options.FloatEdgeBlocks"/> the first and last
/// blocks' feed-forward and convolution matrices stay float32 too. Everything else (embedding tables, Gather-selected heads,
/// attention's activation × activation products, small matrices) stays float32. Weights stored as float16
/// (<see cref="Float16Weights"/>) or as external data are read through.
/// </summary>
public static class Int8MatMuls
{
    /// <summary>Key of the model metadata entry the pass writes.</summary>
    public const string MetadataKey = "soundstorm.quantization";

    /// <summary>The metadata value (and the package manifest's <c>quantization</c> value) of a quantised graph.</summary>
    public const string Scheme = "int8-dynamic";

    /// <summary>What follows <see cref="Scheme"/>, before the block count, when edge blocks stay float32 (<c>int8-dynamic/float-edges-2</c>).</summary>
    public const string FloatEdgesSuffix = "/float-edges-";

    /// <summary>Microsoft's contrib-operator domain, where ONNX Runtime's CPU provider registers the node.</summary>
    public const string ContribDomain = "com.microsoft";

    /// <summary>The model with its large constant MatMuls quantised; <paramref name="quantized"/> counts them.</summary>
    /// <exception cref="OnnxFormatException">A weight to quantise is not finite.</exception>
    public static OnnxModel Quantize(OnnxModel model, out int quantized, Int8Options? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new Int8Options();
        var proto = model.Proto.Clone();
        var graph = proto.Graph;
        var constants = new ConstantFloats(model);
        var consumers = Consumers(graph);
        var graphOutputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var added = new List<(TensorProto Header, TensorData Data)>();
        var removed = new HashSet<NodeProto>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        var keepFloat = EdgeBlocks.FloatNames(graph.Node.Where(n => n.OpType == "MatMul" && n.Input.Count == 2).Select(n => n.Input[1]), options.FloatEdgeBlocks);
        keepFloat.UnionWith(options.KeepFloat);
        quantized = 0;
        for (int i = 0; i < graph.Node.Count; i++)
        {
            var node = graph.Node[i];
            if (node.OpType != "MatMul" || node.Domain.Length > 0 || node.Input.Count != 2) continue;
            if (constants.Matrix(node.Input[1]) is not { } weight || weight.ElementCount < options.MinElements) continue;
            if (keepFloat.Contains(weight.Name)) continue;

            string stem = weight.Name + "__int8";
            if (done.Add(weight.Name)) // a matrix shared by several MatMuls is stored once
            {
                var q = Int8Weights.Quantize(weight.Values, weight.Rows, weight.Columns, weight.Name);
                TensorData values = q.ToTensorData(), scales = q.ScalesTensor();
                added.Add((TensorProtos.Header(stem, values), values));
                added.Add((TensorProtos.Header(stem + "_scale", scales), scales));
            }
            var fused = new NodeProto
            {
                Name = node.Name + "/int8", OpType = "DynamicQuantizeMatMul", Domain = ContribDomain,
                Input = { node.Input[0], stem, stem + "_scale", "" },
                Output = { node.Output[0] },
            };
            if (FoldableBias(node.Output[0], weight.Columns, consumers, graphOutputs, constants) is { } add)
            {
                fused.Input.Add(add.Input[0] == node.Output[0] ? add.Input[1] : add.Input[0]);
                fused.Output[0] = add.Output[0];
                removed.Add(add);
            }
            graph.Node[i] = fused;
            quantized++;
        }
        foreach (var node in removed) graph.Node.Remove(node);
        if (quantized == 0) return model;

        if (!proto.OpsetImport.Any(o => o.Domain == ContribDomain))
            proto.OpsetImport.Add(new OperatorSetIdProto { Domain = ContribDomain, Version = 1 });
        proto.MetadataProps.Add(new StringStringEntryProto { Key = MetadataKey, Value = SchemeOf(options) });
        return new OnnxModel(proto, Unreferenced.Prune(model, proto, added));
    }

    /// <summary>
    /// The metadata value (and manifest <c>quantization</c> value) a pass with <paramref name="options"/> writes:
    /// <see cref="Scheme"/>, followed by <c>/float-edges-</c> and the count when <see cref="Int8Options.FloatEdgeBlocks"/> is set.
    /// </summary>
    public static string SchemeOf(Int8Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.FloatEdgeBlocks > 0 ? FormattableString.Invariant($"{Scheme}{FloatEdgesSuffix}{options.FloatEdgeBlocks}") : Scheme;
    }

    /// <summary>The quantisation the graph file's metadata records (<see cref="Scheme"/>), or null for a float graph.</summary>
    public static string? SchemeOf(string onnxFile) =>
        OnnxModel.Load(onnxFile).Proto.MetadataProps.FirstOrDefault(p => p.Key == MetadataKey)?.Value;

    /// <summary>The single Add that consumes <paramref name="output"/> with a constant [N] float on its other side, if any.</summary>
    private static NodeProto? FoldableBias(string output, long columns, Dictionary<string, List<NodeProto>> consumers,
        HashSet<string> graphOutputs, ConstantFloats constants)
    {
        if (graphOutputs.Contains(output) || !consumers.TryGetValue(output, out var users) || users.Count != 1) return null;
        var add = users[0];
        if (add.OpType != "Add" || add.Domain.Length > 0 || add.Input.Count != 2 || add.Input[0] == add.Input[1]) return null;
        string other = add.Input[0] == output ? add.Input[1] : add.Input[0];
        return constants.Vector(other) is { } bias && bias == columns ? add : null;
    }

    private static Dictionary<string, List<NodeProto>> Consumers(GraphProto graph)
    {
        var consumers = new Dictionary<string, List<NodeProto>>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
            foreach (string input in node.Input)
            {
                if (!consumers.TryGetValue(input, out var list)) consumers[input] = list = [];
                list.Add(node);
            }
        return consumers;
    }

    /// <summary>Float constants of the model: initializers, and float16 initializers behind a Cast to float.</summary>
    private sealed class ConstantFloats
    {
        private readonly OnnxModel _model;
        private readonly HashSet<string> _initializers;
        private readonly Dictionary<string, string> _castFromHalf = new(StringComparer.Ordinal);

        public ConstantFloats(OnnxModel model)
        {
            _model = model;
            _initializers = model.Proto.Graph.Initializer.Select(t => t.Name).Concat(model.PayloadNames).ToHashSet(StringComparer.Ordinal);
            foreach (var node in model.Proto.Graph.Node)
                if (node.OpType == "Cast" && node.Domain.Length == 0 && node.Input.Count == 1 && _initializers.Contains(node.Input[0])
                    && node.Attribute.Any(a => a.Name == "to" && a.I == (long)ElementType.Float))
                    _castFromHalf[node.Output[0]] = node.Input[0];
        }

        /// <summary>The [K, N] float matrix called <paramref name="name"/>, or null when it is not a constant matrix.</summary>
        public Weight? Matrix(string name)
        {
            var data = Read(name);
            if (data is null || data.Shape.Count != 2) return null;
            return new Weight(name, Floats(data), data.Shape[0], data.Shape[1]);
        }

        /// <summary>The length of the 1-D float constant called <paramref name="name"/>, or null.</summary>
        public long? Vector(string name)
        {
            if (!_initializers.Contains(name) && !_castFromHalf.ContainsKey(name)) return null;
            var data = Read(name);
            return data is { Shape.Count: 1 } ? data.Shape[0] : null;
        }

        private TensorData? Read(string name)
        {
            if (_initializers.Contains(name))
            {
                var data = _model.ReadInitializer(name);
                return data.ElementType == ElementType.Float ? data : null;
            }
            if (_castFromHalf.TryGetValue(name, out string? half))
            {
                var data = _model.ReadInitializer(half);
                return data.ElementType == ElementType.Float16 ? data : null;
            }
            return null;
        }

        private static float[] Floats(TensorData data)
        {
            var bytes = data.GetBytes().Span;
            if (data.ElementType == ElementType.Float) return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
            var halves = MemoryMarshal.Cast<byte, Half>(bytes);
            var floats = new float[halves.Length];
            for (int i = 0; i < floats.Length; i++) floats[i] = (float)halves[i];
            return floats;
        }
    }

    private sealed record Weight(string Name, float[] Values, long Rows, long Columns)
    {
        public long ElementCount => Rows * Columns;
    }
}
