using SoundStorm.Export.Onnx.Proto;

namespace SoundStorm.Export.Onnx.Quantization;

/// <summary>Drops what a rewrite left unused: Casts of constants nobody reads any more, then unread initializers.</summary>
internal static class Unreferenced
{
    /// <summary>
    /// Removes dead constant Casts from <paramref name="proto"/>'s graph and returns the payloads of the initializers
    /// still read: <paramref name="source"/>'s (from its proto or payloads) followed by <paramref name="added"/>. The
    /// proto's own initializer list is emptied; the payloads carry every weight.
    /// </summary>
    public static List<(TensorProto Header, TensorData Data)> Prune(OnnxModel source, ModelProto proto,
        IReadOnlyList<(TensorProto Header, TensorData Data)> added)
    {
        var graph = proto.Graph;
        var initializers = source.Proto.Graph.Initializer.Select(t => t.Name).Concat(source.PayloadNames).ToList();
        var constant = initializers.ToHashSet(StringComparer.Ordinal);
        HashSet<string> read;
        bool changed;
        do
        {
            read = graph.Node.SelectMany(n => n.Input).Concat(graph.Output.Select(o => o.Name)).ToHashSet(StringComparer.Ordinal);
            var dead = graph.Node.Where(n => n.OpType == "Cast" && n.Input.Count == 1 && constant.Contains(n.Input[0]) && !read.Contains(n.Output[0])).ToList();
            foreach (var node in dead) graph.Node.Remove(node);
            changed = dead.Count > 0;
        } while (changed);

        graph.Initializer.Clear();
        var payloads = new List<(TensorProto Header, TensorData Data)>();
        foreach (string name in initializers.Where(read.Contains))
        {
            var data = source.ReadInitializer(name);
            payloads.Add((TensorProtos.Header(name, data), data));
        }
        payloads.AddRange(added);
        return payloads;
    }
}
