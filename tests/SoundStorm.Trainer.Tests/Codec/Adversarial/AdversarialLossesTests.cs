using SoundStorm.Trainer.Codec.Adversarial;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.Codec.Adversarial;

/// <summary>The least-squares GAN and feature-matching losses against a float64 computation.</summary>
public sealed class AdversarialLossesTests
{
    private static readonly double[][] RealScores = { new[] { 0.9, 1.2, 0.4 }, new[] { -0.3, 0.8 } };
    private static readonly double[][] FakeScores = { new[] { 0.1, -0.5, 0.7 }, new[] { 0.2, 0.6 } };
    private static readonly double[][][] RealFeatures = { new[] { new[] { 1.0, -2.0 }, new[] { 0.5 } }, new[] { new[] { 3.0, 0.0, 1.0 } } };
    private static readonly double[][][] FakeFeatures = { new[] { new[] { 0.5, -1.0 }, new[] { 2.5 } }, new[] { new[] { 1.0, 1.0, -1.0 } } };

    private static List<DiscriminatorOutput> Outputs(double[][] scores, double[][][] features) =>
        scores.Select((s, k) => new DiscriminatorOutput(tensor(s.Select(v => (float)v).ToArray()).view(1, -1),
            features[k].Select(f => tensor(f.Select(v => (float)v).ToArray())).ToList())).ToList();

    private static double Mean(IEnumerable<double> values) => values.Average();

    [Fact]
    public void Losses_match_their_formulas()
    {
        using var scope = NewDisposeScope();
        var real = Outputs(RealScores, RealFeatures);
        var fake = Outputs(FakeScores, FakeFeatures);
        double discriminator = RealScores.Zip(FakeScores).Sum(p => Mean(p.First.Select(r => (1 - r) * (1 - r))) + Mean(p.Second.Select(g => g * g)));
        double generator = FakeScores.Sum(s => Mean(s.Select(g => (1 - g) * (1 - g))));
        double matching = RealFeatures.Zip(FakeFeatures).Sum(k => k.First.Zip(k.Second).Sum(l => Mean(l.First.Zip(l.Second).Select(v => Math.Abs(v.First - v.Second)))));
        Assert.Equal(discriminator, AdversarialLosses.Discriminator(real, fake).item<float>(), 5);
        Assert.Equal(generator, AdversarialLosses.Generator(fake).item<float>(), 5);
        Assert.Equal(matching, AdversarialLosses.FeatureMatching(real, fake).item<float>(), 5);
    }

    [Fact]
    public void Unpaired_outputs_are_refused()
    {
        using var scope = NewDisposeScope();
        var real = Outputs(RealScores, RealFeatures);
        var e = Assert.Throws<ArgumentException>(() => AdversarialLosses.Discriminator(real, real.Take(1).ToList()));
        Assert.Contains("found 2 and 1", e.Message);
    }
}
