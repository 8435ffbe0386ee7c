using SoundStorm.Export.Checkpoints;
using SoundStorm.Export.Weights;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Checkpoints;

/// <summary>
/// Moves a module's state dict to and from the exporter's containers: a <see cref="WeightSet"/> for the ONNX writers,
/// <see cref="CheckpointTensor"/>s for safetensors files. Names are kept as the module reports them.
/// </summary>
public static class StateDicts
{
    /// <summary>Every state-dict tensor as float32 weights (integer buffers converted too; writers ignore them).</summary>
    public static WeightSet ToWeightSet(nn.Module module, string source = "TorchSharp module")
    {
        var set = new WeightSet(source);
        foreach (var (name, value) in module.state_dict())
            set.Add(name, Floats(value), value.shape);
        return set;
    }

    /// <summary>Every state-dict tensor in its own dtype (float32 or int64), named <paramref name="prefix"/> + name.</summary>
    public static IEnumerable<CheckpointTensor> ToCheckpointTensors(nn.Module module, string prefix = "") =>
        module.state_dict().Select(kv => ToCheckpointTensor(prefix + kv.Key, kv.Value));

    /// <summary>One tensor copied to the CPU as a checkpoint tensor (float32 or int64).</summary>
    public static CheckpointTensor ToCheckpointTensor(string name, Tensor value)
    {
        using var cpu = value.detach().cpu().contiguous();
        return cpu.dtype switch
        {
            ScalarType.Float32 => CheckpointTensor.FromFloat32(name, cpu.shape, cpu.data<float>().ToArray()),
            ScalarType.Int64 => CheckpointTensor.FromInt64(name, cpu.shape, cpu.data<long>().ToArray()),
            _ => throw new NotSupportedException($"State tensor '{name}' has dtype {cpu.dtype}; only float32 and int64 are saved."),
        };
    }

    /// <summary>
    /// Copies tensors named <paramref name="prefix"/> + state-dict name into the module. Every state tensor must be
    /// present with its shape; otherwise a <see cref="WeightMismatchException"/> names <paramref name="source"/> and the tensor.
    /// </summary>
    public static void Load(nn.Module module, IReadOnlyDictionary<string, CheckpointTensor> tensors, string source, string prefix = "")
    {
        using var _ = no_grad();
        foreach (var (name, target) in module.state_dict())
        {
            if (!tensors.TryGetValue(prefix + name, out var stored))
                throw new WeightMismatchException($"{source}: missing tensor '{prefix + name}' (expected shape [{string.Join(", ", target.shape)}]).");
            CopyInto(target, stored, source);
        }
    }

    /// <summary>Copies one stored tensor into <paramref name="target"/>, checking the shape.</summary>
    public static void CopyInto(Tensor target, CheckpointTensor stored, string source)
    {
        if (!stored.Shape.SequenceEqual(target.shape))
            throw new WeightMismatchException($"{source}: tensor '{stored.Name}' has shape [{string.Join(", ", stored.Shape)}], expected [{string.Join(", ", target.shape)}].");
        using var _ = no_grad();
        using Tensor value = target.dtype == ScalarType.Int64
            ? tensor(stored.ToInt64(), target.shape)
            : tensor(stored.ToFloat32(), target.shape);
        target.copy_(value);
    }

    private static float[] Floats(Tensor value)
    {
        using var cpu = value.detach().cpu().to_type(ScalarType.Float32).contiguous();
        return cpu.data<float>().ToArray();
    }
}
