
namespace SoundStorm.Onnx;

/// <summary>
/// Decoded audio: one float array per channel (planar), samples nominally in [-1, 1], and a sample rate.
/// The clip owns its arrays; readers of <see cref="GetChannel"/> see them read-only. WAV files are read with
/// <see cref="ReadWav(string, bool, TimeSpan?)"/> and written with <see cref="WriteWav(string, WavSampleFormat)"/>;
/// <see cref="Resample"/> and <see cref="ToMono(int)"/> convert the sample rate.
/// </summary>
public sealed partial class AudioClip
{
    private readonly float[][] _channels;

    /// <summary>Creates a mono clip that takes ownership of <paramref name="samples"/>.</summary>
    /// <param name="samples">Mono samples, nominally in [-1, 1].</param>
    /// <param name="sampleRate">Samples per second; must be positive.</param>
    public AudioClip(float[] samples, int sampleRate)
        : this([samples ?? throw new ArgumentNullException(nameof(samples))], sampleRate)
    {
    }

    /// <summary>Creates a clip from planar channels, taking ownership of the arrays.</summary>
    /// <param name="channels">One array per channel, all of the same length; at least one channel.</param>
    /// <param name="sampleRate">Frames per second; must be positive.</param>
    public AudioClip(float[][] channels, int sampleRate)
    {
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels.Length, 1, nameof(channels));
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleRate, 1, nameof(sampleRate));
        for (int c = 0; c < channels.Length; c++)
        {
            if (channels[c] is null)
            {
                throw new ArgumentException($"Channel {c} is null.", nameof(channels));
            }

            if (channels[c].Length != channels[0].Length)
            {
                throw new ArgumentException(
                    $"Channel {c} has {channels[c].Length} samples, channel 0 has {channels[0].Length}; all channels must be equally long.",
                    nameof(channels));
            }
        }

        _channels = channels;
        SampleRate = sampleRate;
    }

    /// <summary>Frames per second (Hz).</summary>
    public int SampleRate { get; }

    /// <summary>Number of channels (1 for mono).</summary>
    public int ChannelCount => _channels.Length;

    /// <summary>Samples per channel.</summary>
    public int FrameCount => _channels[0].Length;

    /// <summary>Length of the clip in time.</summary>
    public TimeSpan Duration => TimeSpan.FromSeconds((double)FrameCount / SampleRate);

    /// <summary>The samples of one channel, without copying.</summary>
    /// <param name="channel">Zero-based channel index.</param>
    public ReadOnlyMemory<float> GetChannel(int channel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channel);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(channel, ChannelCount);
        return _channels[channel];
    }

    /// <summary>
    /// A new mono array: the average of all channels per frame (a copy of the only channel for mono clips).
    /// Averaging, not summing, keeps a full-scale signal present in every channel at full scale.
    /// </summary>
    public float[] ToMono()
    {
        if (ChannelCount == 1)
        {
            return (float[])_channels[0].Clone();
        }

        var mono = new float[FrameCount];
        foreach (float[] channel in _channels)
        {
            for (int i = 0; i < mono.Length; i++)
            {
                mono[i] += channel[i];
            }
        }

        float scale = 1f / ChannelCount;
        for (int i = 0; i < mono.Length; i++)
        {
            mono[i] *= scale;
        }

        return mono;
    }
}
