using SoundStorm.Export.Onnx;
using SoundStorm.Export.Onnx.Quantization;

namespace SoundStorm.Benchmarks.Models;

/// <summary>
/// Single-MatMul graphs from input <c>a</c> [rows × inner] to output <c>c</c> [rows × cols]: the machine's MatMul
/// ceiling probe, and the int8 forms of one weight MatMul the harness races against float32. Small, so written afresh
/// on every call.
/// </summary>
internal static class ProbeGraphs
{
    /// <summary>The MatMul ceiling probe: [rows × inner]·[inner × cols] with uniform random weights in [0, 1).</summary>
    public static string MatMul(string cache, int rows, int inner, int cols)
    {
        var g = new OnnxGraphBuilder("matmul_ceiling");
        var a = g.Input("a", ElementType.Float, rows, inner);
        var rng = new Random(1);
        var weights = new float[inner * cols];
        for (int i = 0; i < weights.Length; i++) weights[i] = (float)rng.NextDouble();
        g.Output(g.MatMul(a, g.Initializer("b", TensorData.FromFloat(weights, inner, cols))), "c", ElementType.Float, rows, cols);
        string path = Path.Combine(cache, $"matmul-{rows}x{inner}x{cols}.onnx");
        g.Build().Save(path);
        return path;
    }

    /// <summary>
    /// The float32 MatMul, then the same weights in the three int8 forms: the one contrib node the exporter's int8 pass
    /// writes (<c>DynamicQuantizeMatMul</c>), the standard chain (<c>DynamicQuantizeLinear → MatMulInteger → Cast → Mul</c>)
    /// and the half-fused <c>DynamicQuantizeLinear → MatMulIntegerToFloat</c>. Returns the four files in that order.
    /// </summary>
    public static string[] Int8Forms(string cache, int rows, int inner, int cols)
    {
        var rng = new Random(3);
        var weights = new float[inner * cols];
        for (int i = 0; i < weights.Length; i++) weights[i] = (float)(rng.NextDouble() * 2 - 1) / MathF.Sqrt(inner);
        return [.. new[] { Form.Float32, Form.DynamicQuantizeMatMul, Form.MatMulInteger, Form.MatMulIntegerToFloat }.Select(form =>
        {
            string path = Path.Combine(cache, $"int8-form-{form}-{rows}x{inner}x{cols}.onnx");
            Graph(weights, rows, inner, cols, form).Save(path);
            return path;
        })];
    }

    private enum Form { Float32, DynamicQuantizeMatMul, MatMulInteger, MatMulIntegerToFloat }

    private static OnnxModel Graph(float[] weights, int rows, int inner, int cols, Form form)
    {
        var g = new OnnxGraphBuilder("int8_form");
        var a = g.Input("a", ElementType.Float, rows, inner);
        var w = g.Initializer("w", TensorData.FromFloat(weights, inner, cols));
        g.Output(g.MatMul(a, w), "c", ElementType.Float, rows, cols);
        var model = Int8MatMuls.Quantize(g.Build(new ModelOptions()), out _, new Int8Options { MinElements = 1 });
        return form switch
        {
            Form.Float32 => g.Build(new ModelOptions()),
            Form.DynamicQuantizeMatMul => model,
            _ => Unfused(model, rows, inner, cols, form),
        };
    }

    // The same int8 weights and scales, computed by the unfused chains.
    private static OnnxModel Unfused(OnnxModel fused, int rows, int inner, int cols, Form form)
    {
        var g = new OnnxGraphBuilder("int8_form");
        var a = g.Input("a", ElementType.Float, rows, inner);
        var q = g.Initializer("w_q", fused.ReadInitializer("w__int8"));
        var scale = g.Initializer("w_scale", fused.ReadInitializer("w__int8_scale"));
        var parts = g.Node("DynamicQuantizeLinear", [a], 3); // uint8 values, scale, zero point
        var c = form == Form.MatMulInteger
            ? g.Mul(g.Mul(g.Cast(g.Node("MatMulInteger", [parts[0], q, parts[2]]), ElementType.Float), parts[1]), scale)
            : g.Node("MatMulIntegerToFloat", [parts[0], q, parts[1], scale, parts[2]]);
        g.Output(c, "c", ElementType.Float, rows, cols);
        var model = g.Build(new ModelOptions());
        foreach (var node in model.Proto.Graph.Node.Where(n => n.OpType == "MatMulIntegerToFloat")) node.Domain = Int8MatMuls.ContribDomain;
        model.Proto.OpsetImport.Add(new Export.Onnx.Proto.OperatorSetIdProto { Domain = Int8MatMuls.ContribDomain, Version = 1 });
        return model;
    }
}
