namespace SoundStorm.Export.Onnx;

// Typed helpers for the standard operators the networks use. Each is one node at opset 17 semantics; adding an
// operator is one line here (or a call to Node directly).
public sealed partial class OnnxGraphBuilder
{
    /// <summary>Element-wise a + b (broadcasting).</summary>
    public GraphValue Add(GraphValue a, GraphValue b) => Node("Add", new[] { a, b });

    /// <summary>Element-wise a − b.</summary>
    public GraphValue Sub(GraphValue a, GraphValue b) => Node("Sub", new[] { a, b });

    /// <summary>Element-wise a · b.</summary>
    public GraphValue Mul(GraphValue a, GraphValue b) => Node("Mul", new[] { a, b });

    /// <summary>Element-wise a / b.</summary>
    public GraphValue Div(GraphValue a, GraphValue b) => Node("Div", new[] { a, b });

    /// <summary>Element-wise a^b.</summary>
    public GraphValue Pow(GraphValue a, GraphValue b) => Node("Pow", new[] { a, b });

    /// <summary>Element-wise maximum.</summary>
    public GraphValue Max(GraphValue a, GraphValue b) => Node("Max", new[] { a, b });

    /// <summary>Matrix product with NumPy broadcasting.</summary>
    public GraphValue MatMul(GraphValue a, GraphValue b) => Node("MatMul", new[] { a, b });

    /// <summary>Square root.</summary>
    public GraphValue Sqrt(GraphValue x) => Node("Sqrt", new[] { x });

    /// <summary>Error function.</summary>
    public GraphValue Erf(GraphValue x) => Node("Erf", new[] { x });

    /// <summary>Logistic sigmoid.</summary>
    public GraphValue Sigmoid(GraphValue x) => Node("Sigmoid", new[] { x });

    /// <summary>Hyperbolic tangent.</summary>
    public GraphValue Tanh(GraphValue x) => Node("Tanh", new[] { x });

    /// <summary>max(x, 0).</summary>
    public GraphValue Relu(GraphValue x) => Node("Relu", new[] { x });

    /// <summary>Leaky ReLU with slope <paramref name="alpha"/> below zero.</summary>
    public GraphValue LeakyRelu(GraphValue x, float alpha) => Node("LeakyRelu", new[] { x }, NodeAttribute.Float("alpha", alpha));

    /// <summary>Natural exponential.</summary>
    public GraphValue Exp(GraphValue x) => Node("Exp", new[] { x });

    /// <summary>Negation.</summary>
    public GraphValue Neg(GraphValue x) => Node("Neg", new[] { x });

    /// <summary>Softmax along <paramref name="axis"/>.</summary>
    public GraphValue Softmax(GraphValue x, long axis = -1) => Node("Softmax", new[] { x }, NodeAttribute.Int("axis", axis));

    /// <summary>Log-softmax along <paramref name="axis"/>.</summary>
    public GraphValue LogSoftmax(GraphValue x, long axis = -1) => Node("LogSoftmax", new[] { x }, NodeAttribute.Int("axis", axis));

    /// <summary>Permutes axes.</summary>
    public GraphValue Transpose(GraphValue x, params long[] perm) => Node("Transpose", new[] { x }, NodeAttribute.Ints("perm", perm));

    /// <summary>Reshapes; 0 copies the input dimension, −1 is inferred.</summary>
    public GraphValue Reshape(GraphValue x, params long[] shape) => Node("Reshape", new[] { x, Int64s(shape) });

    /// <summary>Reshapes to a shape computed in the graph.</summary>
    public GraphValue Reshape(GraphValue x, GraphValue shape) => Node("Reshape", new[] { x, shape });

    /// <summary>The shape of <paramref name="x"/> as an int64 vector.</summary>
    public GraphValue Shape(GraphValue x) => Node("Shape", new[] { x });

    /// <summary>Concatenation along <paramref name="axis"/>.</summary>
    public GraphValue Concat(long axis, params GraphValue[] values) => Node("Concat", values, NodeAttribute.Int("axis", axis));

    /// <summary>Inserts size-1 axes.</summary>
    public GraphValue Unsqueeze(GraphValue x, params long[] axes) => Node("Unsqueeze", new[] { x, Int64s(axes) });

    /// <summary>Removes size-1 axes.</summary>
    public GraphValue Squeeze(GraphValue x, params long[] axes) => Node("Squeeze", new[] { x, Int64s(axes) });

    /// <summary>Gathers along <paramref name="axis"/> (embedding lookup when axis = 0).</summary>
    public GraphValue Gather(GraphValue data, GraphValue indices, long axis = 0) => Node("Gather", new[] { data, indices }, NodeAttribute.Int("axis", axis));

    /// <summary>Slices [starts, ends) along axes.</summary>
    public GraphValue Slice(GraphValue x, long[] starts, long[] ends, long[] axes) =>
        Node("Slice", new[] { x, Int64s(starts), Int64s(ends), Int64s(axes) });

    /// <summary>Mean over <paramref name="axes"/>.</summary>
    public GraphValue ReduceMean(GraphValue x, long[] axes, bool keepDims = true) =>
        Node("ReduceMean", new[] { x }, NodeAttribute.Ints("axes", axes), NodeAttribute.Int("keepdims", keepDims ? 1 : 0));

    /// <summary>Maximum over <paramref name="axes"/>.</summary>
    public GraphValue ReduceMax(GraphValue x, long[] axes, bool keepDims = true) =>
        Node("ReduceMax", new[] { x }, NodeAttribute.Ints("axes", axes), NodeAttribute.Int("keepdims", keepDims ? 1 : 0));

    /// <summary>Sum over <paramref name="axes"/> (opset 13+: axes as an input).</summary>
    public GraphValue ReduceSum(GraphValue x, long[] axes, bool keepDims = true) =>
        Node("ReduceSum", new[] { x, Int64s(axes) }, NodeAttribute.Int("keepdims", keepDims ? 1 : 0));

    /// <summary>Element-wise choice: condition ? a : b.</summary>
    public GraphValue Where(GraphValue condition, GraphValue a, GraphValue b) => Node("Where", new[] { condition, a, b });

    /// <summary>Casts to <paramref name="to"/>.</summary>
    public GraphValue Cast(GraphValue x, ElementType to) => Node("Cast", new[] { x }, NodeAttribute.Int("to", (long)to));

    /// <summary>Element-wise equality.</summary>
    public GraphValue Equal(GraphValue a, GraphValue b) => Node("Equal", new[] { a, b });

    /// <summary>Logical not.</summary>
    public GraphValue Not(GraphValue x) => Node("Not", new[] { x });

    /// <summary>Index of the maximum along <paramref name="axis"/>.</summary>
    public GraphValue ArgMin(GraphValue x, long axis, bool keepDims = false) =>
        Node("ArgMin", new[] { x }, NodeAttribute.Int("axis", axis), NodeAttribute.Int("keepdims", keepDims ? 1 : 0));

    /// <summary>Broadcasts to a shape computed in the graph.</summary>
    public GraphValue Expand(GraphValue x, GraphValue shape) => Node("Expand", new[] { x, shape });

    /// <summary>Repeats the tensor along each axis.</summary>
    public GraphValue Tile(GraphValue x, GraphValue repeats) => Node("Tile", new[] { x, repeats });
}
