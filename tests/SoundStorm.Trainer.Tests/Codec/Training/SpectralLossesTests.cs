using SoundStorm.Trainer.Codec.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.Codec.Training;

/// <summary>The reconstruction losses against their closed forms.</summary>
public sealed class SpectralLossesTests
{
    private static Tensor Speechlike(int seed) // a harmonic tone with noise, so every band has energy
    {
        using var generator = new Generator((ulong)seed);
        var t = arange(8000, dtype: ScalarType.Float32) / 16000f;
        var tone = sin(2 * Math.PI * 180 * t) + 0.5 * sin(2 * Math.PI * 360 * t) + 0.25 * sin(2 * Math.PI * 1500 * t);
        return (0.2 * tone + 0.05 * randn(new long[] { 8000 }, generator: generator)).unsqueeze(0);
    }

    [Fact]
    public void Identical_signals_cost_nothing()
    {
        using var scope = NewDisposeScope();
        using var losses = new SpectralLosses(16000);
        var x = Speechlike(1);
        Assert.Equal(0.0, losses.Mel(x, x).item<float>(), 6);
        Assert.Equal(0.0, losses.MultiResolutionStft(x, x).item<float>(), 6);
    }

    [Fact]
    public void A_signal_at_half_amplitude_costs_one_half_convergence_plus_ln2_per_resolution_and_ln2_mel()
    {
        using var scope = NewDisposeScope();
        using var losses = new SpectralLosses(16000);
        var x = Speechlike(2);
        // |S(x/2)| = |S(x)|/2 everywhere: spectral convergence ‖S − S/2‖/‖S‖ = 0.5 and |log S − log S/2| = ln 2
        // (the clamps at 1e-7 / 1e-5 are far below this signal's magnitudes).
        Assert.Equal(0.5 + Math.Log(2), losses.MultiResolutionStft(0.5 * x, x).item<float>(), 4);
        Assert.Equal(Math.Log(2), losses.Mel(0.5 * x, x).item<float>(), 4);
    }

    [Fact]
    public void Mel_scale_is_slaney_and_every_filter_has_unit_area()
    {
        Assert.Equal(15.0, MelFilterbank.HzToMel(1000), 9);
        Assert.Equal(3.0, MelFilterbank.HzToMel(200), 9);
        foreach (double hz in new[] { 50.0, 999.0, 1000.0, 4321.0, 8000.0 })
            Assert.Equal(hz, MelFilterbank.MelToHz(MelFilterbank.HzToMel(hz)), 6);
        const int bands = 40, fft = 4096, rate = 16000;
        var matrix = MelFilterbank.Build(bands, fft, rate, 0, 8000);
        int bins = fft / 2 + 1;
        for (int m = 2; m < bands; m++) // the lowest filters are narrower than a few bins: their sampled area is coarse
        {
            double area = 0;
            for (int k = 0; k < bins; k++) area += matrix[m * bins + k] * (double)rate / fft;
            Assert.Equal(1.0, area, 2);
        }
    }
}
