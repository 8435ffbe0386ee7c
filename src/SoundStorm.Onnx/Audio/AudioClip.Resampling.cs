using SoundStorm.Onnx.Audio;

namespace SoundStorm.Onnx;

// Sample-rate conversion (the filter design lives in Audio/Resampler.cs).
public sealed partial class AudioClip
{
    /// <summary>
    /// The clip at another sample rate: every channel converted by a band-limited windowed-sinc resampler, aligned with
    /// the first sample (no delay), the signal taken as zero outside the clip.
    /// </summary>
    /// <remarks>
    /// The pass band runs to 0.9 × the lower Nyquist frequency with ripple below 0.001 dB; from the lower Nyquist
    /// frequency up, content that would alias (downsampling) or images (upsampling) are suppressed by at least 90 dB.
    /// The filter for a pair of rates is designed once and reused by later calls (a batch of files at one rate pays for
    /// it once). Output length: ⌈frames × <paramref name="sampleRate"/> / <see cref="SampleRate"/>⌉.
    /// </remarks>
    /// <param name="sampleRate">Wanted frames per second, 1 to 1,000,000.</param>
    /// <returns>A new clip at <paramref name="sampleRate"/>, or this clip itself when it already has that rate.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleRate"/> is outside 1 to 1,000,000.</exception>
    public AudioClip Resample(int sampleRate)
    {
        if (sampleRate == SampleRate) return this;
        var resampler = ResamplerCache.For(SampleRate, sampleRate);
        var channels = new float[ChannelCount][];
        for (int c = 0; c < channels.Length; c++)
        {
            channels[c] = resampler.Process(_channels[c]);
        }

        return new AudioClip(channels, sampleRate);
    }

    /// <summary>
    /// A new mono array at <paramref name="sampleRate"/>: the downmix of <see cref="ToMono()"/>, converted as
    /// <see cref="Resample"/> converts a channel (downmixing first, so one channel is converted rather than all).
    /// What a model that takes mono audio at its own rate is fed.
    /// </summary>
    /// <param name="sampleRate">Wanted samples per second, 1 to 1,000,000.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleRate"/> is outside 1 to 1,000,000.</exception>
    public float[] ToMono(int sampleRate)
    {
        if (sampleRate == SampleRate) return ToMono();
        // A mono clip's one channel is read in place: the resampler writes a new array anyway.
        float[] mono = ChannelCount == 1 ? _channels[0] : ToMono();
        return ResamplerCache.For(SampleRate, sampleRate).Process(mono);
    }
}
