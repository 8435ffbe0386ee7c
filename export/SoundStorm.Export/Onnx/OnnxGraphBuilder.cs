using SoundStorm.Export.Onnx.Proto;

namespace SoundStorm.Export.Onnx;

/// <summary>
/// Builds one ONNX graph: named inputs and outputs with symbolic dimensions, initializers, and nodes. Every method
/// returns the <see cref="GraphValue"/> it produced, so graphs read as data flow:
/// <c>var y = g.Add(g.MatMul(x, w), b);</c>. The typed operator helpers live in <c>OnnxGraphBuilder.Ops.cs</c>.
/// </summary>
public sealed partial class OnnxGraphBuilder
{
    private readonly GraphProto _graph;
    private readonly List<(TensorProto Header, TensorData Data)> _payloads = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);
    private readonly Stack<string> _scopes = new();
    private readonly SortedSet<string> _customDomains = new(StringComparer.Ordinal);
    private readonly Stack<GraphProto> _branches = new(); // subgraphs being filled by If branches, innermost on top

    /// <summary>The operator set of ONNX Runtime's contrib operators (version 1).</summary>
    public const string MicrosoftDomain = "com.microsoft";

    /// <summary>Starts an empty graph called <paramref name="name"/>.</summary>
    public OnnxGraphBuilder(string name) => _graph = new GraphProto { Name = name };

    /// <summary>Number of nodes emitted so far.</summary>
    public int NodeCount => _graph.Node.Count;

    /// <summary>Declares a graph input.</summary>
    public GraphValue Input(string name, ElementType type, params Dim[] shape)
    {
        Claim(name);
        _graph.Input.Add(ValueInfo(name, type, shape));
        return new GraphValue(name);
    }

    /// <summary>Declares <paramref name="value"/> a graph output called <paramref name="name"/> (an Identity is inserted when the names differ).</summary>
    public GraphValue Output(GraphValue value, string name, ElementType type, params Dim[] shape)
    {
        if (value.Name != name)
        {
            Claim(name);
            AddNode("Identity", new[] { value }, new[] { name }, Array.Empty<NodeAttribute>());
        }
        _graph.Output.Add(ValueInfo(name, type, shape));
        return new GraphValue(name);
    }

    /// <summary>Adds a named initializer (a weight) and returns it as a value.</summary>
    public GraphValue Initializer(string name, TensorData data)
    {
        Claim(name);
        _payloads.Add((TensorProtos.Header(name, data), data));
        return new GraphValue(name);
    }

    /// <summary>Adds an initializer under a fresh name derived from <paramref name="hint"/>.</summary>
    public GraphValue Constant(string hint, TensorData data)
    {
        string name = FreshName(hint);
        _payloads.Add((TensorProtos.Header(name, data), data));
        return new GraphValue(name);
    }

    /// <summary>An int64 1-D constant (shapes, axes, indices).</summary>
    public GraphValue Int64s(params long[] values) => Constant("const_i64", TensorData.FromInt64(values, values.Length));

    /// <summary>An int64 scalar constant.</summary>
    public GraphValue Int64Scalar(long value) => Constant("const_i64", TensorData.FromInt64(new[] { value }));

    /// <summary>A float scalar constant.</summary>
    public GraphValue FloatScalar(float value) => Constant("const_f32", TensorData.FromFloat(new[] { value }));

    /// <summary>Emits a node with one output and returns that output.</summary>
    public GraphValue Node(string opType, IReadOnlyList<GraphValue> inputs, params NodeAttribute[] attributes) =>
        Node(opType, inputs, 1, attributes)[0];

    /// <summary>Emits a node with <paramref name="outputCount"/> outputs.</summary>
    public GraphValue[] Node(string opType, IReadOnlyList<GraphValue> inputs, int outputCount, params NodeAttribute[] attributes) =>
        DomainNode(string.Empty, opType, inputs, outputCount, attributes);

    /// <summary>
    /// Emits a node of operator set <paramref name="domain"/> (e.g. <c>com.microsoft</c>, version 1, imported by
    /// <see cref="Build"/>); an empty input name stands for an omitted optional input.
    /// </summary>
    public GraphValue[] DomainNode(string domain, string opType, IReadOnlyList<GraphValue> inputs, int outputCount, params NodeAttribute[] attributes) =>
        DomainNode(domain, opType, inputs, new string?[outputCount], attributes);

    /// <summary>
    /// As <see cref="DomainNode(string, string, IReadOnlyList{GraphValue}, int, NodeAttribute[])"/>, with the outputs'
    /// names (null: a fresh name) — so that a graph output can be the node's own output, with no Identity copy between.
    /// </summary>
    public GraphValue[] DomainNode(string domain, string opType, IReadOnlyList<GraphValue> inputs, IReadOnlyList<string?> outputNames, params NodeAttribute[] attributes)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(outputNames);
        var outputs = new string[outputNames.Count];
        for (int i = 0; i < outputs.Length; i++)
        {
            if (outputNames[i] is { } name) Claim(name);
            outputs[i] = outputNames[i] ?? FreshName(opType.ToLowerInvariant());
        }
        AddNode(opType, inputs, outputs, attributes, domain);
        var values = new GraphValue[outputs.Length];
        for (int i = 0; i < outputs.Length; i++) values[i] = new GraphValue(outputs[i]);
        return values;
    }

    /// <summary>
    /// ONNX <c>If</c>: at run time, the value <paramref name="thenBranch"/> computes when the boolean scalar
    /// <paramref name="condition"/> is true, else the one <paramref name="elseBranch"/> computes. Each branch emits its
    /// nodes into its own subgraph and may read any value of the enclosing graph (constants it makes go to the main graph).
    /// </summary>
    public GraphValue If(GraphValue condition, ElementType outputType, Func<GraphValue> thenBranch, Func<GraphValue> elseBranch)
    {
        ArgumentNullException.ThrowIfNull(thenBranch);
        ArgumentNullException.ThrowIfNull(elseBranch);
        var output = FreshName("if");
        AddNode("If", new[] { condition }, new[] { output },
            new[] { NodeAttribute.Graph("then_branch", Branch("then", outputType, thenBranch)), NodeAttribute.Graph("else_branch", Branch("else", outputType, elseBranch)) });
        return new GraphValue(output);
    }

    private GraphProto Branch(string name, ElementType outputType, Func<GraphValue> emit)
    {
        var branch = new GraphProto { Name = FreshName(name) };
        _branches.Push(branch);
        GraphValue result;
        try { result = emit(); }
        finally { _branches.Pop(); }
        // A subgraph output must be produced inside it: a value of the enclosing graph is passed through an Identity.
        if (!branch.Node.Any(n => n.Output.Contains(result.Name)))
        {
            string copy = FreshName("identity");
            branch.Node.Add(new NodeProto { OpType = "Identity", Name = copy + "_node", Input = { result.Name }, Output = { copy } });
            result = new GraphValue(copy);
        }
        branch.Output.Add(new ValueInfoProto { Name = result.Name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)outputType } } });
        return branch;
    }

    /// <summary>
    /// Prefixes generated names with <paramref name="scope"/> until the returned handle is disposed, so a graph's
    /// intermediate values can be traced to the module that made them.
    /// </summary>
    public IDisposable Scope(string scope)
    {
        _scopes.Push(scope);
        return new ScopeHandle(_scopes);
    }

    /// <summary>Finishes the model.</summary>
    public OnnxModel Build(ModelOptions? options = null)
    {
        options ??= new ModelOptions();
        var model = new ModelProto
        {
            IrVersion = options.IrVersion ?? IrVersionFor(options.Opset),
            ProducerName = options.ProducerName,
            ProducerVersion = options.ProducerVersion,
            Graph = _graph.Clone(),
        };
        if (options.DocString.Length > 0) model.DocString = options.DocString;
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = options.Opset });
        foreach (string domain in _customDomains) model.OpsetImport.Add(new OperatorSetIdProto { Domain = domain, Version = 1 });
        foreach (var (key, value) in options.Metadata)
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return new OnnxModel(model, _payloads.ToArray());
    }

    /// <summary>The lowest IR version that carries <paramref name="opset"/> (older readers accept the lower number).</summary>
    public static long IrVersionFor(long opset) => opset switch
    {
        <= 8 => 3,
        <= 10 => 5,
        <= 12 => 7,
        <= 18 => 8,
        <= 20 => 9,
        <= 22 => 10,
        <= 24 => 11,
        _ => 13,
    };

    /// <summary>A name not yet used in the graph, built from the current scope and <paramref name="hint"/>.</summary>
    public string FreshName(string hint)
    {
        string stem = _scopes.Count == 0 ? hint : string.Join("/", _scopes.Reverse()) + "/" + hint;
        _counters.TryGetValue(stem, out int n);
        string name;
        do { name = $"{stem}_{n++}"; } while (_names.Contains(name));
        _counters[stem] = n;
        _names.Add(name);
        return name;
    }

    private void AddNode(string opType, IReadOnlyList<GraphValue> inputs, string[] outputs, NodeAttribute[] attributes, string domain = "")
    {
        var node = new NodeProto { OpType = opType, Name = outputs[0] + "_node" };
        if (domain.Length > 0)
        {
            node.Domain = domain;
            _customDomains.Add(domain);
        }
        foreach (var input in inputs) node.Input.Add(input.Name);
        node.Output.AddRange(outputs);
        foreach (var attribute in attributes) node.Attribute.Add(attribute.Proto.Clone());
        (_branches.Count > 0 ? _branches.Peek() : _graph).Node.Add(node);
    }

    private void Claim(string name)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException("Graph value names cannot be empty.", nameof(name));
        if (!_names.Add(name)) throw new ArgumentException($"The graph already has a value named '{name}'.", nameof(name));
    }

    private static ValueInfoProto ValueInfo(string name, ElementType type, Dim[] shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (var dim in shape)
        {
            var d = new TensorShapeProto.Types.Dimension();
            if (dim.Symbol is not null) d.DimParam = dim.Symbol;
            else d.DimValue = dim.Size!.Value;
            tensorShape.Dim.Add(d);
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = tensorShape } },
        };
    }

    private sealed class ScopeHandle(Stack<string> scopes) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            scopes.Pop();
        }
    }
}
