using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Onnx.Blocks;

/// <summary>
/// Neural-network building blocks as node emitters. Each takes the builder, the input value and the weights with
/// the PyTorch state-dict prefix of the module (<c>prefix + ".weight"</c> …) and returns the output value. Weights
/// keep their state-dict names in the graph so a tensor can be followed from training to ONNX.
/// </summary>
public static partial class Nn
{
    /// <summary>y = x·Wᵀ + b for a PyTorch <c>Linear(inFeatures, outFeatures)</c>; x is [..., in].</summary>
    public static GraphValue Linear(OnnxGraphBuilder g, GraphValue x, WeightSet w, string prefix, long inFeatures, long outFeatures, bool bias = true)
    {
        var weight = w.Get(prefix + ".weight", outFeatures, inFeatures);
        // Stored transposed ([in, out]) so MatMul needs no Transpose node at run time.
        var wt = g.Initializer(prefix + ".weight", TensorData.FromFloat(Transpose2D(weight.Data, outFeatures, inFeatures), inFeatures, outFeatures));
        var y = g.MatMul(x, wt);
        return bias ? g.Add(y, Param(g, w, prefix + ".bias", outFeatures)) : y;
    }

    /// <summary>LayerNorm over the last axis (ONNX LayerNormalization, opset 17); <paramref name="affine"/> = false uses unit scale and no shift.</summary>
    public static GraphValue LayerNorm(OnnxGraphBuilder g, GraphValue x, WeightSet w, string prefix, long dim, float eps = 1e-5f, bool affine = true)
    {
        GraphValue scale, shift;
        if (affine)
        {
            scale = Param(g, w, prefix + ".weight", dim);
            shift = Param(g, w, prefix + ".bias", dim);
        }
        else
        {
            scale = g.Constant("ln_ones", TensorData.FromFloat(Filled(dim, 1f), dim));
            shift = g.Constant("ln_zeros", TensorData.FromFloat(new float[dim], dim));
        }
        return g.Node("LayerNormalization", new[] { x, scale, shift }, NodeAttribute.Int("axis", -1), NodeAttribute.Float("epsilon", eps));
    }

    /// <summary>GELU, exact (erf) form: 0.5·x·(1 + erf(x/√2)).</summary>
    public static GraphValue Gelu(OnnxGraphBuilder g, GraphValue x)
    {
        var inner = g.Erf(g.Mul(x, g.FloatScalar((float)(1.0 / Math.Sqrt(2.0)))));
        return g.Mul(g.Mul(x, g.FloatScalar(0.5f)), g.Add(inner, g.FloatScalar(1f)));
    }

    /// <summary>The seed model's "GELU2": x·sigmoid(1.702·x).</summary>
    public static GraphValue Gelu2(OnnxGraphBuilder g, GraphValue x) => g.Mul(x, g.Sigmoid(g.Mul(x, g.FloatScalar(1.702f))));

    /// <summary>SiLU (swish): x·sigmoid(x).</summary>
    public static GraphValue Silu(OnnxGraphBuilder g, GraphValue x) => g.Mul(x, g.Sigmoid(x));

    /// <summary>Embedding lookup: rows of <c>prefix.weight</c> [num, dim] selected by int64 <paramref name="indices"/>.</summary>
    public static GraphValue Embedding(OnnxGraphBuilder g, GraphValue indices, WeightSet w, string prefix, long num, long dim)
    {
        var table = w.Get(prefix + ".weight", num, dim);
        return g.Gather(g.Initializer(prefix + ".weight", TensorData.FromFloat(table.Data, num, dim)), indices);
    }

    /// <summary>x + f(x).</summary>
    public static GraphValue Residual(OnnxGraphBuilder g, GraphValue x, Func<GraphValue, GraphValue> f) => g.Add(x, f(x));

    /// <summary>A 1-D weight as an initializer under its own name.</summary>
    public static GraphValue Param(OnnxGraphBuilder g, WeightSet w, string name, params long[] shape) =>
        g.Initializer(name, TensorData.FromFloat(w.Get(name, shape).Data, shape));

    internal static float[] Transpose2D(float[] data, long rows, long cols)
    {
        var result = new float[data.Length];
        for (long r = 0; r < rows; r++)
            for (long c = 0; c < cols; c++)
                result[c * rows + r] = data[r * cols + c];
        return result;
    }

    internal static float[] Filled(long count, float value)
    {
        var result = new float[count];
        Array.Fill(result, value);
        return result;
    }
}
