using NWaves.Filters.Fda;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Semantic.Pretraining;

/// <summary>
/// MFCC features for HuBERT's first-iteration targets, one frame per HuBERT frame at 16 kHz: a 400-sample symmetric
/// Hamming window every 320 samples without centring (so frame t covers the same samples as HuBERT's frame t), power
/// spectrum (400-point DFT), <see cref="Mels"/> triangular HTK-mel filters from 20 Hz to 8 kHz, natural log (floor
/// 1e-10), orthonormal DCT-II keeping <see cref="Coefficients"/> coefficients, per-utterance mean removal (speaker and
/// channel offsets would otherwise dominate the clusters), then deltas and delta-deltas (window 2) → 39 dimensions.
/// </summary>
/// <remarks>
/// Not NWaves' <c>MfccExtractor</c>: its FFT is a power of two (a 400-sample frame is zero-padded to 512; an FFT size
/// of 400 is rounded up), which moves these features by 0.24 of their largest value (3 s of tone and noise, against
/// the float64 definition in MfccTests; NWaves with these filters on 512 bins agrees with a 512-point version of that
/// definition to 2.5e-6, so the FFT size is the whole difference). The features are HuBERT's first-iteration k-means
/// targets, which a pretraining run's unit labels and checkpoints depend on, so the 400-point DFT stays.
/// </remarks>
internal static class Mfcc
{
    /// <summary>Window, hop, sample rate, mel filters, cepstral coefficients, delta half-window.</summary>
    public const int Window = 400, Hop = 320, SampleRate = 16000, Mels = 40, Coefficients = 13, DeltaWidth = 2;

    /// <summary>Lowest and highest filter edge in Hz.</summary>
    public const double MinHz = 20, MaxHz = 8000;

    /// <summary>Feature dimensions: coefficients, deltas, delta-deltas.</summary>
    public const int Dimensions = 3 * Coefficients;

    /// <summary>Frames for <paramref name="samples"/> samples: ⌊(N − 400) / 320⌋ + 1 (0 when shorter than a window).</summary>
    public static int Frames(int samples) => samples < Window ? 0 : (samples - Window) / Hop + 1;

    /// <summary>Waveform (N) at 16 kHz → features (T, 39) float32; T = <see cref="Frames"/>(N) ≥ 1.</summary>
    public static Tensor Compute(Tensor waveform)
    {
        if (waveform.dim() != 1 || waveform.shape[0] < Window)
            throw new ArgumentException($"MFCC needs a 1-D waveform of at least {Window} samples; got shape [{string.Join(", ", waveform.shape)}].");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Tensor x = waveform.to_type(ScalarType.Float64);
        using var window = hamming_window(Window, periodic: false, dtype: ScalarType.Float64);
        Tensor spectrum = stft(x, Window, hop_length: Hop, win_length: Window, window: window, center: false, return_complex: true); // (F, T)
        Tensor power = spectrum.abs().square().transpose(0, 1); // (T, F)
        Tensor mel = power.matmul(MelFilters().transpose(0, 1)).clamp_min(1e-10).log(); // (T, Mels)
        Tensor cepstra = mel.matmul(DctMatrix().transpose(0, 1)); // (T, C)
        cepstra = cepstra - cepstra.mean([0], keepdim: true);
        Tensor delta = Delta(cepstra);
        return cat([cepstra, delta, Delta(delta)], 1).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// (Mels, Window/2+1) triangles on bin frequencies k·sr/Window, peaks equally spaced in HTK mel: NWaves' filter
    /// bank, the same weights as the hand-written loop it replaced (float32 instead of float64: features move by 3.9e-9
    /// of their largest value on 3 s of tone and noise, far below the float32 output's rounding).
    /// </summary>
    internal static Tensor MelFilters()
    {
        float[][] rows = FilterBanks.Triangular(Window, SampleRate, FilterBanks.MelBands(Mels, SampleRate, MinHz, MaxHz));
        return tensor(rows.SelectMany(row => row).Select(w => (double)w).ToArray(), [Mels, Window / 2 + 1]);
    }

    /// <summary>(Coefficients, Mels) orthonormal DCT-II rows.</summary>
    internal static Tensor DctMatrix()
    {
        var rows = new double[Coefficients * Mels];
        for (int c = 0; c < Coefficients; c++)
            for (int m = 0; m < Mels; m++)
                rows[c * Mels + m] = Math.Sqrt((c == 0 ? 1.0 : 2.0) / Mels) * Math.Cos(Math.PI * c * (m + 0.5) / Mels);
        return tensor(rows, [Coefficients, Mels]);
    }

    /// <summary>d_t = Σₙ n·(x_{t+n} − x_{t−n}) / (2·Σₙ n²), n = 1..2, edges repeated.</summary>
    private static Tensor Delta(Tensor x)
    {
        long t = x.shape[0];
        Tensor padded = cat([x[..1].expand(DeltaWidth, -1), x, x[(int)(t - 1)..].expand(DeltaWidth, -1)], 0);
        Tensor sum = zeros_like(x);
        for (int n = 1; n <= DeltaWidth; n++)
            sum = sum + n * (padded[(DeltaWidth + n)..(int)(DeltaWidth + n + t)] - padded[(DeltaWidth - n)..(int)(DeltaWidth - n + t)]);
        return sum / (2.0 * Enumerable.Range(1, DeltaWidth).Sum(n => n * n));
    }
}
