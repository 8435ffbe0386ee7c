using SoundStorm.Export.Checkpoints;

namespace SoundStorm.Export.Weights;

/// <summary>Turns checkpoint tensors into a <see cref="WeightSet"/> (float tensors as float32; integer buffers kept as float too).</summary>
public static class WeightSetLoader
{
    /// <summary>
    /// Copies every tensor whose name starts with <paramref name="prefix"/> into a weight set under the name with
    /// the prefix removed.
    /// </summary>
    public static WeightSet FromCheckpoint(IEnumerable<KeyValuePair<string, CheckpointTensor>> tensors, string source, string prefix = "")
    {
        var set = new WeightSet(source);
        foreach (var (name, tensor) in tensors)
        {
            if (!name.StartsWith(prefix, StringComparison.Ordinal)) continue;
            set.Add(name[prefix.Length..], tensor.ToFloat32(), tensor.Shape.ToArray());
        }
        return set;
    }

    /// <summary>Reads a safetensors file into a weight set.</summary>
    public static WeightSet FromSafeTensors(string path, string prefix = "") =>
        FromCheckpoint(SafeTensorsFile.Read(path).Tensors.Select(t => new KeyValuePair<string, CheckpointTensor>(t.Name, t)), path, prefix);
}
