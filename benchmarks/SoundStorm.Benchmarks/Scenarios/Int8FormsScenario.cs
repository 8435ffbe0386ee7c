using Microsoft.ML.OnnxRuntime;
using SoundStorm.Benchmarks.Models;

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
    private sealed record Forms(string[] Paths);

    public static IEnumerable<ScenarioResult> Run(string cache, string shape, int rows, int inner, int cols, int threads = 2)
    {
        // The model writer writes the four graphs, in this order, with the same random weights.
        string[] forms = ["Float32", "DynamicQuantizeMatMul", "MatMulInteger", "MatMulIntegerToFloat"];
        var graphs = ModelWriter.Run<Forms>("int8-forms", cache, $"{rows}", $"{inner}", $"{cols}").Paths;
        foreach (var level in new[] { GraphOptimizationLevel.ORT_ENABLE_ALL, GraphOptimizationLevel.ORT_ENABLE_BASIC })
        {
            double[] seconds = Roofline.MedianSeconds(graphs, rows, inner, cols, threads, level, repeats: 9);
            string tag = $"[{rows}×{inner}]·[{inner}×{cols}], {level}, threads={threads}, forms run in turn, median of 9";
            yield return new("int8 forms", shape, 0, $"float32 MatMul ({level})", seconds[0] * 1e3, "ms", tag);
            for (int f = 1; f < forms.Length; f++)
                yield return new("int8 forms", shape, 0, $"{forms[f]} / float32 ({level})", seconds[f] / seconds[0], "× time", tag);
        }
    }
}
