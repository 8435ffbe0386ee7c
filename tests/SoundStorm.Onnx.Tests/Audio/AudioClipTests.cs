
namespace SoundStorm.Onnx.Tests.Audio;

public sealed class AudioClipTests
{
    [Fact]
    public void Properties_DescribeTheSamples()
    {
        var clip = new AudioClip([new float[8000], new float[8000]], 16000);
        Assert.Equal(2, clip.ChannelCount);
        Assert.Equal(8000, clip.FrameCount);
        Assert.Equal(TimeSpan.FromSeconds(0.5), clip.Duration);
    }

    [Fact]
    public void ToMono_OfMonoClip_IsACopy()
    {
        float[] samples = [0.5f, -0.5f];
        float[] mono = new AudioClip(samples, 8000).ToMono();
        mono[0] = 0;
        Assert.Equal(0.5f, samples[0]);
    }

    [Fact]
    public void InvalidArguments_AreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AudioClip(new float[1], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AudioClip(Array.Empty<float[]>(), 8000));
        Assert.Throws<ArgumentException>(() => new AudioClip([new float[3], new float[4]], 8000));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AudioClip(new float[1], 8000).GetChannel(1));
    }
}
