using TorchSharp;
using static TorchSharp.torch;
using SoundStorm.Trainer.Training;

namespace SoundStorm.Trainer.Codec.Training;

/// <summary>
/// The codec's reconstruction losses, all on magnitude spectra so that phase is free: log-mel L1 (HiFi-GAN's mel loss)
/// and the multi-resolution STFT loss of Parallel WaveGAN (spectral convergence + log-magnitude L1, averaged over
/// resolutions). Windows and the mel matrix are built once.
/// </summary>
internal sealed class SpectralLosses : IDisposable
{
    private readonly (int Fft, int Hop, int Window, Tensor Hann)[] _resolutions;
    private readonly (int Fft, int Hop, Tensor Hann, Tensor Mel) _mel;

    /// <summary>Losses for audio at <paramref name="sampleRate"/>: resolutions scaled from 16 kHz values.</summary>
    public SpectralLosses(int sampleRate, int melBands = 80)
    {
        double scale = sampleRate / 16000.0;
        int S(int n) => Math.Max(8, (int)Math.Round(n * scale));
        _resolutions = new[] { (512, 50, 240), (1024, 120, 600), (2048, 240, 1200) }
            .Select(r => (S(r.Item1), S(r.Item2), S(r.Item3), hann_window(S(r.Item3)).DetachFromDisposeScope())).ToArray();
        int melFft = S(1024);
        _mel = (melFft, S(160), hann_window(melFft).DetachFromDisposeScope(),
            tensor(MelFilterbank.Build(melBands, melFft, sampleRate, 0, sampleRate / 2.0), melBands, melFft / 2 + 1).DetachFromDisposeScope());
    }

    /// <summary>
    /// Shortest waveform the losses accept: reflection padding needs more than half the largest FFT in use (the mel
    /// loss's alone when the multi-resolution STFT loss is not computed).
    /// </summary>
    public int MinimumSamples(bool withStft) => (withStft ? Math.Max(_resolutions.Max(r => r.Fft), _mel.Fft) : _mel.Fft) / 2 + 1;

    /// <summary>Log-mel L1 between waveforms [B, N] (natural log of magnitudes clamped at 1e-5).</summary>
    public Tensor Mel(Tensor predicted, Tensor target)
    {
        var p = Magnitude(predicted, _mel.Fft, _mel.Hop, _mel.Fft, _mel.Hann);
        var t = Magnitude(target, _mel.Fft, _mel.Hop, _mel.Fft, _mel.Hann);
        var pm = _mel.Mel.matmul(p).clamp_min(HeldScalars.Of(1e-5)).log();
        var tm = _mel.Mel.matmul(t).clamp_min(HeldScalars.Of(1e-5)).log();
        return (pm - tm).abs().mean();
    }

    /// <summary>Multi-resolution STFT loss between waveforms [B, N].</summary>
    public Tensor MultiResolutionStft(Tensor predicted, Tensor target)
    {
        Tensor? total = null;
        foreach (var (fft, hop, window, hann) in _resolutions)
        {
            var p = Magnitude(predicted, fft, hop, window, hann).clamp_min(HeldScalars.Of(1e-7));
            var t = Magnitude(target, fft, hop, window, hann).clamp_min(HeldScalars.Of(1e-7));
            var convergence = (t - p).square().sum().sqrt() / t.square().sum().sqrt().clamp_min(HeldScalars.Of(1e-7));
            var logMagnitude = (t.log() - p.log()).abs().mean();
            var term = convergence + logMagnitude;
            total = total is null ? term : total + term;
        }
        return total!.div(HeldScalars.Of(_resolutions.Length));
    }

    private static Tensor Magnitude(Tensor x, int fft, int hop, int window, Tensor hann) =>
        stft(x, fft, hop, window, hann, center: true, pad_mode: PaddingModes.Reflect, return_complex: true).abs();

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var r in _resolutions) r.Hann.Dispose();
        _mel.Hann.Dispose();
        _mel.Mel.Dispose();
    }
}
