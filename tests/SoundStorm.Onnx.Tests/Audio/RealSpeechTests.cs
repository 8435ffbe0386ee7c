using System.Buffers.Binary;
using SoundStorm.Onnx.Audio;

namespace SoundStorm.Onnx.Tests.Audio;

/// <summary>
/// Recorded speech from Debian packages: ALSA's 48 kHz test phrases (alsa-utils) and LibriVox / "cards" utterances
/// at 16 kHz (pocketsphinx-testdata). Skipped with the reason when the packages are not installed.
/// </summary>
public sealed class RealSpeechTests(ITestOutputHelper output)
{
    private const string AlsaFolder = "/usr/share/sounds/alsa";
    private const string SphinxFolder = "/usr/share/pocketsphinx/test/data";

    private static string[] Wavs(string folder) =>
        [.. Directory.GetFiles(folder, "*.wav", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    /// <summary>The 16-bit samples of a canonical 44-byte-header WAV, decoded here without the library.</summary>
    private static short[] RawPcm16(byte[] file)
    {
        int dataBytes = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(40));
        Assert.Equal("data", System.Text.Encoding.ASCII.GetString(file, 36, 4));
        var samples = new short[dataBytes / 2];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(file.AsSpan(44 + (2 * i)));
        }

        return samples;
    }

    private void ReadMatchesRawBytesAndRewritesIdentically(string folder, int expectedRate)
    {
        string[] files = Wavs(folder);
        Assert.NotEmpty(files);
        string temp = Path.Combine(Path.GetTempPath(), $"soundstorm-rewrite-{Guid.NewGuid():N}.wav");
        try
        {
            foreach (string path in files)
            {
                byte[] bytes = File.ReadAllBytes(path);
                AudioClip clip = WavReader.Read(path, out WavFormat format);

                Assert.Equal(expectedRate, clip.SampleRate);
                Assert.Equal(1, clip.ChannelCount);
                Assert.Equal(WavSampleFormat.Pcm16, format.SampleFormat);
                Assert.False(format.IsTruncated);
                Assert.Equal(RawPcm16(bytes).Select(s => s / 32768f).ToArray(), clip.GetChannel(0).ToArray());

                clip.WriteWav(temp);
                Assert.Equal(bytes, File.ReadAllBytes(temp));
                output.WriteLine($"{Path.GetFileName(path)}: {clip.Duration.TotalSeconds:F2} s, RMS {Loudness.RmsDbfs(clip.GetChannel(0).Span):F1} dBFS, peak {Loudness.PeakDbfs(clip.GetChannel(0).Span):F1} dBFS");
            }
        }
        finally
        {
            File.Delete(temp);
        }
    }

    [RequiresPathFact(AlsaFolder, "alsa-utils")]
    public void Alsa48k_DecodesToRawSamplesAndRewritesByteIdentical() => ReadMatchesRawBytesAndRewritesIdentically(AlsaFolder, 48000);

    [RequiresPathFact(SphinxFolder, "pocketsphinx-testdata")]
    public void Sphinx16k_DecodesToRawSamplesAndRewritesByteIdentical() => ReadMatchesRawBytesAndRewritesIdentically(SphinxFolder, 16000);

    [RequiresPathFact(AlsaFolder + "/Front_Center.wav", "alsa-utils")]
    public void AlsaSpeech48kTo16k_MatchesDirectFloat64Sinc()
    {
        AudioClip clip = AudioClip.ReadWav(AlsaFolder + "/Front_Center.wav");
        // A 0.4 s stretch of the phrase keeps the float64 reference quick.
        ReadOnlySpan<float> excerpt = clip.GetChannel(0).Span.Slice(clip.FrameCount / 3, 19200);
        var resampler = new Resampler(48000, 16000);

        float[] y = resampler.Process(excerpt);
        double[] reference = ResamplerReferenceTests.DirectSinc(excerpt, resampler);

        double worst = Enumerable.Range(0, y.Length).Max(n => Math.Abs(y[n] - reference[n]));
        output.WriteLine($"excerpt RMS {Loudness.RmsDbfs(excerpt):F1} dBFS, max |polyphase - reference| = {worst:E2}");
        Assert.True(Loudness.RmsDbfs(excerpt) > -40, "the excerpt should hold speech, not silence");
        Assert.True(worst < 1e-6, $"max deviation {worst:E2}");
    }

    [RequiresPathFact(SphinxFolder + "/librivox", "pocketsphinx-testdata")]
    public void Sphinx16kSpeech_UpAndBackDown_LosesOnlyTheTransitionBand()
    {
        foreach (string path in Wavs(SphinxFolder + "/librivox"))
        {
            var clip = AudioClip.ReadWav(path);
            float[] x = clip.ToMono();
            float[] back = clip.Resample(48000).ToMono(16000);

            Assert.Equal(x.Length, back.Length);
            // What is lost is the 7.2-8 kHz roll-off band, twice; compare with the energy of x in that band,
            // measured independently by removing everything below 7.2 kHz with a float64 FFT.
            double bandEnergy = EnergyAbove(x, 16000, 7200);
            double errorEnergy = x.Select((v, i) => (double)(v - back[i]) * (v - back[i])).Sum();
            double totalEnergy = x.Select(v => (double)v * v).Sum();
            output.WriteLine($"{Path.GetFileName(path)}: error {10 * Math.Log10(errorEnergy / totalEnergy):F1} dB, 7.2-8 kHz band {10 * Math.Log10(bandEnergy / totalEnergy):F1} dB");
            Assert.True(errorEnergy <= bandEnergy + (1e-6 * totalEnergy), $"error energy {errorEnergy:E3} exceeds the 7.2-8 kHz band energy {bandEnergy:E3}");
        }
    }

    private static double EnergyAbove(float[] x, double rate, double hz)
    {
        var spectrum = x.Select(v => new System.Numerics.Complex(v, 0)).ToArray();
        MathNet.Numerics.IntegralTransforms.Fourier.Forward(spectrum, MathNet.Numerics.IntegralTransforms.FourierOptions.Matlab);
        double energy = 0;
        for (int k = 0; k < spectrum.Length; k++)
        {
            double f = Math.Min(k, spectrum.Length - k) * rate / spectrum.Length;
            if (f >= hz)
            {
                energy += spectrum[k].Magnitude * spectrum[k].Magnitude;
            }
        }

        return energy / spectrum.Length; // Parseval with the unnormalized (Matlab) forward transform
    }
}
