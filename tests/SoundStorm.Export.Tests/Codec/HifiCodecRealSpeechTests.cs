namespace SoundStorm.Export.Tests.Codec;

/// <summary>
/// A whole LibriVox utterance encoded and decoded through graphs imported from the reference checkpoint. Its weights
/// are random-ish, so only the contract is checked: frame count, code range, output length and finiteness.
/// </summary>
public sealed class HifiCodecRealSpeechTests : IDisposable
{
    private const string Librivox = "/usr/share/pocketsphinx/test/data/librivox";
    private const string Utterance = Librivox + "/sense_and_sensibility_01_austen_64kb-0930.wav";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "soundstorm-codec-speech", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [RequiresPathFact(Utterance, "pocketsphinx-testdata", needsReferenceData: true)]
    public void Speech_round_trip_keeps_the_frame_contract()
    {
        var clip = AudioClip.ReadWav(Utterance);
        Assert.Equal(16000, clip.SampleRate);
        float[] samples = clip.ToMono();
        int expectedFrames = samples.Length / 320;
        Assert.NotEqual(0, samples.Length % 320); // a length that is not a whole number of frames exercises the floor

        var result = HifiCodecImporter.Import(Path.Combine(HifiCodecReference.Dir, "g_00000000.pth"), Path.Combine(HifiCodecReference.Dir, "config.json"), _dir);
        var codes = OrtRunner.RunFile(result.EncoderPath, new Feed("waveform", samples, new long[] { 1, samples.Length }))["codes"];
        Assert.Equal(new[] { 1, expectedFrames, 4 }, codes.Shape);
        Assert.All(codes.Data, c => Assert.InRange(c, 0, 1023));
        Assert.True(codes.Data.Distinct().Count() > 4, "speech should not collapse onto a handful of codewords");

        long[] ids = codes.Data.Select(v => (long)v).ToArray();
        var waveform = OrtRunner.RunFile(result.DecoderPath, new Feed("codes", ids, new long[] { 1, expectedFrames, 4 }))["waveform"];
        Assert.Equal(new[] { 1, expectedFrames * 320 }, waveform.Shape);
        Assert.All(waveform.Data, v => Assert.True(double.IsFinite(v) && Math.Abs(v) < 1, $"sample {v} outside (-1, 1)"));
    }
}
