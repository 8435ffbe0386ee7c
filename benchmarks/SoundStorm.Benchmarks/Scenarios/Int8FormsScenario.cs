using Microsoft.ML.OnnxRuntime;
using SoundStorm.Export.Onnx;
using SoundStorm.Export.Onnx.Quantization;

namespace SoundStorm.Benchmarks.Scenarios;

/// <summary>
/// Which int8 form of one weight MatMul ONNX Runtime's CPU provider runs fastest, on the transformer's feed-forward
/// shape: the one contrib node the exporter's int8 pass writes (<c>DynamicQuantizeMatMul</c>), the standard-operator
/// chain (<c>DynamicQuantizeLinear → MatMulInteger → Cast → Mul</c>) and the half-fused
/// <c>DynamicQuantizeLinear → MatMulIntegerToFloat</c>, each against the float32 MatMul, at the runtime's default
/// optimisation level (where ORT fuses chains) and at the basic level (where it does not).
/// </summary>
internal static class Int8FormsScenario
{
    public static IEnumerable<ScenarioResult> Run(string shape, int rows, int inner, int cols, int threads = 2)
    {
        var rng = new Random(3);
        var weights = new float[inner * cols];
        for (int i = 0; i < weights.Length; i++) weights[i] = (float)(rng.NextDouble() * 2 - 1) / MathF.Sqrt(inner);
        var forms = new[] { Form.Float32, Form.DynamicQuantizeMatMul, Form.MatMulInteger, Form.MatMulIntegerToFloat };
        var graphs = forms.Select(f => Graph(weights, rows, inner, cols, f)).ToArray();
        foreach (var level in new[] { GraphOptimizationLevel.ORT_ENABLE_ALL, GraphOptimizationLevel.ORT_ENABLE_BASIC })
        {
            double[] seconds = Roofline.MedianSeconds(graphs, rows, inner, cols, threads, level, repeats: 9);
            string tag = $"[{rows}×{inner}]·[{inner}×{cols}], {level}, threads={threads}, forms run in turn, median of 9";
            yield return new("int8 forms", shape, 0, $"float32 MatMul ({level})", seconds[0] * 1e3, "ms", tag);
            for (int f = 1; f < forms.Length; f++)
                yield return new("int8 forms", shape, 0, $"{forms[f]} / float32 ({level})", seconds[f] / seconds[0], "× time", tag);
        }
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
