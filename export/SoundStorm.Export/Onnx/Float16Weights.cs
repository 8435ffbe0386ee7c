using System.Runtime.InteropServices;
using SoundStorm.Export.Onnx.Proto;

namespace SoundStorm.Export.Onnx;

/// <summary>
/// Halves a model's size on disk: every float32 initializer of at least <c>minElements</c> values is stored as float16
/// and turned back into float32 by a Cast node at the start of the graph. ONNX Runtime folds those casts into float32
/// constants when the session loads, so the graph computes in float32 as before, on weights rounded to half
/// precision (relative error ≤ 2⁻¹¹ per weight; values beyond ±65504 would overflow and are refused).
/// </summary>
public static class Float16Weights
{
    /// <summary>Suffix of the stored half-precision tensor's name.</summary>
    public const string Suffix = "__float16";

    /// <summary>The model with its large float32 weights stored as float16.</summary>
    /// <exception cref="OnnxFormatException">A weight is too large for float16.</exception>
    public static OnnxModel Convert(OnnxModel model, long minElements = 1024)
    {
        var proto = model.Proto.Clone();
        var names = model.Proto.Graph.Initializer.Select(t => t.Name).Concat(model.PayloadNames).ToArray();
        proto.Graph.Initializer.Clear();
        var payloads = new List<(TensorProto Header, TensorData Data)>();
        var casts = new List<NodeProto>();
        foreach (string name in names)
        {
            var data = model.ReadInitializer(name);
            if (data.ElementType != ElementType.Float || data.ElementCount < minElements)
            {
                payloads.Add((TensorProtos.Header(name, data), data));
                continue;
            }
            var floats = MemoryMarshal.Cast<byte, float>(data.GetBytes().Span);
            foreach (float v in floats)
                if (!float.IsFinite(v) || Math.Abs(v) > (float)Half.MaxValue)
                    throw new OnnxFormatException($"Initializer '{name}' holds {v}, which float16 cannot store; keep this model in float32.");
            var half = TensorData.FromFloatAsHalf(floats, data.Shape.ToArray());
            payloads.Add((TensorProtos.Header(name + Suffix, half), half));
            casts.Add(new NodeProto
            {
                Name = name + "/to_float32", OpType = "Cast", Input = { name + Suffix }, Output = { name },
                Attribute = { new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)ElementType.Float } },
            });
        }
        for (int i = casts.Count - 1; i >= 0; i--) proto.Graph.Node.Insert(0, casts[i]);
        return new OnnxModel(proto, payloads);
    }
}
