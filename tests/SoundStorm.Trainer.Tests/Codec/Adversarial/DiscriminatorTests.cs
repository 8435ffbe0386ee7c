using SoundStorm.Trainer.Codec.Adversarial;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.Codec.Adversarial;

/// <summary>HiFi-GAN's discriminators: the period fold against a direct computation, outputs per sub-discriminator, and that they learn.</summary>
public sealed class DiscriminatorTests
{
    [Theory]
    [InlineData(3, 300)] // a multiple of the period
    [InlineData(7, 250)] // padded by reflection to 252
    public void A_period_discriminators_first_layer_is_a_strided_conv_over_every_pth_sample(int period, int samples)
    {
        using var scope = NewDisposeScope();
        using var discriminator = new PeriodDiscriminator(period, width: 2);
        SoundStorm.Trainer.Training.SeededInit.Apply(discriminator, 4);
        using var generator = new Generator(5);
        var waveform = randn(new long[] { 2, 1, samples }, generator: generator);
        var first = discriminator.forward(waveform).Features[0]; // [B, 2, rows, period]

        // Direct: pad by reflecting the end, take the samples of column c (c, c + p, c + 2p …), convolve with the
        // (5, 1) kernel as a 1-D kernel of 5 taps, stride 3, padding 2, then leaky ReLU 0.1.
        var parameters = discriminator.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        var weight = parameters["convs.0.weight"].squeeze(-1); // [2, 1, 5]
        var bias = parameters["convs.0.bias"];
        long pad = (period - samples % period) % period;
        var data = waveform.to_type(ScalarType.Float64).data<double>().ToArray();
        for (int b = 0; b < 2; b++)
        {
            var padded = new double[samples + pad];
            for (int i = 0; i < padded.Length; i++) padded[i] = data[b * samples + (i < samples ? i : 2 * (samples - 1) - i)];
            for (int c = 0; c < period; c++)
            {
                var column = tensor(padded.Where((_, i) => i % period == c).Select(v => (float)v).ToArray()).view(1, 1, -1);
                var expected = nn.functional.leaky_relu(nn.functional.conv1d(column, weight, bias, stride: 3, padding: 2), 0.1).squeeze(0);
                var actual = first[b, .., .., c];
                Assert.Equal(expected.shape, actual.shape);
                Assert.True((expected - actual).abs().max().item<float>() < 1e-5, $"column {c} of batch {b} differs");
            }
        }
    }

    [Theory]
    [InlineData(3, 8)]
    [InlineData(0, 5)]
    public void The_pair_gives_one_score_map_per_period_and_scale(int scales, int outputs)
    {
        using var scope = NewDisposeScope();
        using var discriminator = new CodecDiscriminator(width: 1, scales); // width 1 also forces reduced group counts
        var result = discriminator.forward(randn(3, 1, 1000));
        Assert.Equal(outputs, discriminator.Count);
        Assert.Equal(outputs, result.Count);
        Assert.All(result, r => Assert.Equal(3, r.Scores.shape[0]));
        Assert.All(result.Take(5), r => Assert.Equal(6, r.Features.Count)); // 5 convs + conv_post per period discriminator
        Assert.All(result.Skip(5), r => Assert.Equal(8, r.Features.Count)); // 7 convs + conv_post per scale discriminator
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new CodecDiscriminator(width: 0));
        Assert.Contains("discriminator width must be at least 1", e.Message);
    }

    [Fact]
    public void Trained_discriminators_tell_a_harmonic_voice_from_a_frame_periodic_buzz()
    {
        // The failure the discriminators are meant to catch: a decoder that repeats one waveform per 20 ms frame
        // (a 50 Hz comb) instead of the speaker's pitch. Both signals have the same band-limited energy.
        using var scope = NewDisposeScope();
        using var discriminator = new CodecDiscriminator(width: 2, scales: 0);
        SoundStorm.Trainer.Training.SeededInit.Apply(discriminator, 3); // not the process-wide generator: tests run in parallel
        var real = Signal(pitchHz: 137, batch: 4, seed: 1);
        var fake = Signal(pitchHz: 50, batch: 4, seed: 2);
        using var adam = new SoundStorm.Trainer.Training.AdamW(discriminator.named_parameters().Select(p => (p.name, (Tensor)p.parameter)), 0.8, 0.99, weightDecay: 0);
        double Loss() { using (no_grad()) return AdversarialLosses.Discriminator(discriminator.forward(real), discriminator.forward(fake)).item<float>(); }
        double before = Loss();
        for (int step = 0; step < 60; step++)
        {
            using var inner = NewDisposeScope();
            adam.ZeroGrad();
            AdversarialLosses.Discriminator(discriminator.forward(real), discriminator.forward(fake)).backward();
            adam.Step(2e-3);
        }
        double after = Loss();
        // Untrained, each of the 5 terms is near 1 (scores near 0); a discriminator that separates the two is near 0.
        Assert.True(after < 0.25 * before, $"discriminator loss {before:F3} → {after:F3}");
        using (no_grad())
        {
            var realScore = discriminator.forward(real).Select(o => o.Scores.mean().item<float>()).Average();
            var fakeScore = discriminator.forward(fake).Select(o => o.Scores.mean().item<float>()).Average();
            Assert.True(realScore > fakeScore + 0.5, $"real {realScore:F2} vs fake {fakeScore:F2}");
        }
    }

    // Harmonics of pitchHz up to 2 kHz with random phases, 0.1 s at 16 kHz.
    private static Tensor Signal(double pitchHz, int batch, int seed)
    {
        var rng = new Random(seed);
        var data = new float[batch * 1600];
        for (int b = 0; b < batch; b++)
        {
            int harmonics = (int)(2000 / pitchHz);
            var phases = Enumerable.Range(0, harmonics).Select(_ => rng.NextDouble() * 2 * Math.PI).ToArray();
            for (int i = 0; i < 1600; i++)
                data[b * 1600 + i] = (float)(0.5 / Math.Sqrt(harmonics) * Enumerable.Range(0, harmonics).Sum(h => Math.Sin(2 * Math.PI * pitchHz * (h + 1) * i / 16000 + phases[h])));
        }
        return tensor(data, new long[] { batch, 1, 1600 });
    }
}
