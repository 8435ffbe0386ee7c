using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.Support;

/// <summary>
/// Perturbs the tensors that default initialisation leaves constant, so a parity test cannot pass while a writer
/// drops a norm's affine, a bias or BatchNorm statistics: 1-D weights 1 + N(0, 0.1²), biases and running means
/// N(0, 0.1²), running variances U(0.5, 2).
/// </summary>
internal static class RandomWeights
{
    public static void Perturb(nn.Module module, long seed)
    {
        using var generator = new Generator((ulong)seed); // held until the end: see SeededInit
        using var _ = no_grad();
        foreach (var (name, t) in module.state_dict())
        {
            if (t.dtype != ScalarType.Float32) continue;
            if (name.EndsWith("running_var", StringComparison.Ordinal))
                t.copy_(rand(t.shape, generator: generator) * 1.5f + 0.5f);
            else if (name.EndsWith("bias", StringComparison.Ordinal) || name.EndsWith("running_mean", StringComparison.Ordinal))
                t.copy_(randn(t.shape, generator: generator) * 0.1f);
            else if (t.dim() == 1)
                t.copy_(randn(t.shape, generator: generator) * 0.1f + 1f);
        }
    }
}
