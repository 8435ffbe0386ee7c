namespace SoundStorm.Cli.Tests;

/// <summary>import hificodec → pack (with the seed acoustic model) → decode / generate+decode, on the reference checkpoints.</summary>
[Collection("console")]
public sealed class CodecCommandTests : IDisposable
{
    private readonly string _dir = Paths.NewTemp();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Package()
    {
        var codec = CliRunner.Run("import", "hificodec", "--checkpoint", Paths.Reference("hificodec", "g_00000000.pth"),
            "--config", Paths.Reference("hificodec", "config.json"), "--out", $"{_dir}/codec");
        Assert.True(codec.Code == 0, codec.Error);
        Assert.Contains("16000 Hz, hop 320, 4 codes per frame × 1024", codec.Out);
        Assert.Equal(0, CliRunner.Run("import", "seed-soundstorm", "--checkpoint", Paths.Reference("soundstorm-s2", "last.pth"),
            "--config", Paths.Reference("soundstorm-s2", "model_config.json"), "--out", $"{_dir}/acoustic").Code);
        var pack = CliRunner.Run("pack", "--acoustic", $"{_dir}/acoustic", "--codec", $"{_dir}/codec", "--out", $"{_dir}/package.zip");
        Assert.True(pack.Code == 0, pack.Error);
        return $"{_dir}/package.zip";
    }

    [ReferenceFact]
    public void Decode_reproduces_the_reference_waveform_as_16_bit_audio()
    {
        string package = Package();
        // codes.npy is [B, T, 4] (1 × 50 × 4) in the codec's order.
        var codes = NpyFile.Read(Paths.Reference("hificodec", "codes.npy"));
        int frames = codes.Shape[^2];
        NpyFile.Write($"{_dir}/codes.npy", new NpyArray(codes.ToInt64(), frames, 4));
        var (code, output, error) = CliRunner.Run("decode", "--model", package, "--codes", $"{_dir}/codes.npy", "--out", $"{_dir}/out.wav");
        Assert.True(code == 0, error);
        Assert.Contains($"{frames} frames", output);

        var clip = AudioClip.ReadWav($"{_dir}/out.wav");
        Assert.Equal(16000, clip.SampleRate);
        float[] ours = clip.ToMono();
        float[] reference = NpyFile.Read(Paths.Reference("hificodec", "decoded_wav.npy")).ToFloat32();
        Assert.Equal(reference.Length, ours.Length);
        // 16-bit PCM: half a quantisation step plus the graph's float error.
        double worst = 0;
        for (int i = 0; i < ours.Length; i++) worst = Math.Max(worst, Math.Abs(ours[i] - Math.Clamp(reference[i], -1f, 32767f / 32768)));
        Assert.True(worst <= 0.5 / 32768 + 1e-4, $"max |diff| {worst:E2}");
    }

    [ReferenceFact]
    public void Generated_codes_decode_to_audio_of_the_right_length()
    {
        string package = Package();
        NpyFile.Write($"{_dir}/s.npy", new NpyArray(Enumerable.Range(0, 20).Select(i => (long)(i * 37 % 500)).ToArray(), 20));
        Assert.Equal(0, CliRunner.Run("generate", "--model", package, "--semantic", $"{_dir}/s.npy", "--out", $"{_dir}/a.npy").Code);
        var (code, _, error) = CliRunner.Run("decode", "--model", package, "--codes", $"{_dir}/a.npy", "--out", $"{_dir}/a.wav");
        Assert.True(code == 0, error);
        var clip = AudioClip.ReadWav($"{_dir}/a.wav");
        Assert.Equal(20 * 320, clip.FrameCount);
        Assert.All(clip.ToMono(), v => Assert.True(float.IsFinite(v)));
    }

    [ReferenceFact]
    public void Generate_writes_audio_directly_when_asked_for_a_wav()
    {
        string package = Package();
        NpyFile.Write($"{_dir}/s.npy", new NpyArray(Enumerable.Range(0, 12).Select(i => (long)(i * 11 % 500)).ToArray(), 12));
        var (code, output, error) = CliRunner.Run("generate", "--model", package, "--semantic", $"{_dir}/s.npy", "--out", $"{_dir}/g.wav");
        Assert.True(code == 0, error);
        Assert.Contains("0.24 s of audio", output);
        Assert.Equal(12 * 320, AudioClip.ReadWav($"{_dir}/g.wav").FrameCount);
    }

    [ReferenceFact]
    public void Decode_refuses_codes_out_of_range()
    {
        string package = Package();
        NpyFile.Write($"{_dir}/bad.npy", new NpyArray(new long[] { 1, 2, 3, 1024 }, 1, 4));
        var (code, _, error) = CliRunner.Run("decode", "--model", package, "--codes", $"{_dir}/bad.npy", "--out", $"{_dir}/bad.wav");
        Assert.Equal(2, code);
        Assert.Contains("Code [0, 3] = 1024 is outside 0..1023", error);
        Assert.False(File.Exists($"{_dir}/bad.wav"));
    }
}
