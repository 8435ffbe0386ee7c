using SoundStorm.Export.Codec;
using SoundStorm.Trainer.Codec;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.Codec;

/// <summary>A freshly created codec (the state train-codec starts from) is initialised as PyTorch would: no garbage parameters.</summary>
public sealed class FreshCodecInitTests
{
    [Fact]
    public void Encoder_group_norms_start_as_identity_and_latents_stay_bounded()
    {
        var config = new HifiCodecConfig(new[] { 8, 5, 4, 2 }, new[] { 16, 11, 8, 4 }, 64, new[] { 3, 7 }, new[] { new[] { 1, 3, 5 }, new[] { 1, 3, 5 } }, 16000, 2, 64, 2, 8);
        using var scope = NewDisposeScope();
        using var codec = new HifiCodec(config);
        foreach (var (name, p) in codec.named_parameters().Where(p => p.name.StartsWith("encoder.normalize.", StringComparison.Ordinal)))
        {
            double expected = name.EndsWith(".weight", StringComparison.Ordinal) ? 1 : 0;
            Assert.Equal(expected, p.min().item<float>());
            Assert.Equal(expected, p.max().item<float>());
        }
        using var _ = no_grad();
        using var generator = new Generator(3);
        var latent = codec.Encoder.forward(0.1f * randn(new long[] { 4, 1, 9600 }, generator: generator));
        Assert.Equal(0, latent.isnan().sum().item<long>());
        // GroupNorm keeps each stage at unit scale, so a fresh latent is O(1), not the 1e7 garbage weights gave.
        Assert.InRange(latent.abs().max().item<float>(), 1e-3, 100);
    }
}
