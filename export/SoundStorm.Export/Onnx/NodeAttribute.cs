using Google.Protobuf;
using SoundStorm.Export.Onnx.Proto;

namespace SoundStorm.Export.Onnx;

/// <summary>A node attribute (name + typed value), built with the static factories.</summary>
public sealed class NodeAttribute
{
    private NodeAttribute(AttributeProto proto) => Proto = proto;

    internal AttributeProto Proto { get; }

    /// <summary>Attribute name.</summary>
    public string Name => Proto.Name;

    /// <summary>An integer attribute.</summary>
    public static NodeAttribute Int(string name, long value) =>
        new(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value });

    /// <summary>A float attribute.</summary>
    public static NodeAttribute Float(string name, float value) =>
        new(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value });

    /// <summary>A string attribute (UTF-8).</summary>
    public static NodeAttribute String(string name, string value) =>
        new(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) });

    /// <summary>A list-of-integers attribute.</summary>
    public static NodeAttribute Ints(string name, params long[] values)
    {
        var proto = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        proto.Ints.AddRange(values);
        return new(proto);
    }

    /// <summary>A list-of-floats attribute.</summary>
    public static NodeAttribute Floats(string name, params float[] values)
    {
        var proto = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        proto.Floats.AddRange(values);
        return new(proto);
    }

    /// <summary>A tensor attribute (for <c>Constant</c> and <c>ConstantOfShape</c>).</summary>
    public static NodeAttribute Tensor(string name, TensorData value) =>
        new(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = TensorProtos.Inline(string.Empty, value) });

    /// <summary>A graph attribute (the branches of <c>If</c>).</summary>
    internal static NodeAttribute Graph(string name, GraphProto value) =>
        new(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Graph, G = value });
}
