namespace SoundStorm.Cli.Tests;

/// <summary>
/// <c>roundtrip</c> (from a package or a codec fragment folder) and the <c>--list</c> batch forms of <c>roundtrip</c>
/// and <c>resynthesize</c> on real speech, with the reference codec and HuBERT around a small random acoustic model.
/// </summary>
[Collection("console")]
public sealed class BatchVerbTests(FullPackageFixture fixture) : IClassFixture<FullPackageFixture>, IDisposable
{
    private const string Librivox = "/usr/share/pocketsphinx/test/data/librivox";
    private static readonly string SpeechA = Path.Combine(Librivox, "sense_and_sensibility_01_austen_64kb-0870.wav");
    private static readonly string SpeechB = Path.Combine(Librivox, "sense_and_sensibility_01_austen_64kb-0880.wav");
    private readonly string _dir = Paths.NewTemp();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string CodecFragment => Path.Combine(Path.GetDirectoryName(fixture.PackageFolder)!, "codec");

    private static bool SpeechMissing() =>
        !File.Exists(SpeechA) && Environment.GetEnvironmentVariable("SOUNDSTORM_REQUIRE_TEST_TOOLS") != "1"; // pocketsphinx-testdata

    [ReferenceFact]
    public void Roundtrip_writes_the_codecs_decoding_of_its_own_encoding_the_same_from_package_and_fragment()
    {
        if (SpeechMissing()) return;
        var fromPackage = CliRunner.Run("roundtrip", "--model", fixture.PackageFolder, "--input", SpeechA, "--out", $"{_dir}/p.wav");
        Assert.True(fromPackage.Code == 0, fromPackage.Error);
        var fromFragment = CliRunner.Run("roundtrip", "--codec", CodecFragment, "--input", SpeechA, "--out", $"{_dir}/f.wav");
        Assert.True(fromFragment.Code == 0, fromFragment.Error);
        Assert.Equal(File.ReadAllBytes($"{_dir}/p.wav"), File.ReadAllBytes($"{_dir}/f.wav"));

        // The same computation done here through the library, written the same way (16-bit PCM).
        using var package = ModelPackage.Load(fixture.PackageFolder);
        using var codec = new NeuralCodec(package);
        float[] input = AudioClip.ReadWav(SpeechA).ToMono();
        float[] expected = codec.Decode(codec.Encode(input));
        Assert.Equal(input.Length / codec.Hop * codec.Hop, expected.Length);
        new AudioClip(expected, codec.SampleRate).WriteWav($"{_dir}/expected.wav");
        Assert.Equal(File.ReadAllBytes($"{_dir}/expected.wav"), File.ReadAllBytes($"{_dir}/p.wav"));
    }

    [ReferenceFact]
    public void Roundtrip_list_does_every_good_job_and_names_the_bad_one()
    {
        if (SpeechMissing()) return;
        File.WriteAllLines($"{_dir}/jobs.tsv", ["# input\toutput", $"{SpeechA}\t{_dir}/a.wav", "", $"{_dir}/missing.wav\t{_dir}/m.wav", $"{SpeechB}\t{_dir}/b.wav"]);
        var (code, stdout, error) = CliRunner.Run("roundtrip", "--codec", CodecFragment, "--list", $"{_dir}/jobs.tsv");
        Assert.Equal(2, code);
        Assert.Contains("[3/3]", stdout);
        Assert.Contains("missing.wav", error);
        Assert.Contains("1 of 3 jobs failed", error);
        Assert.False(File.Exists($"{_dir}/m.wav"));

        // Each batch output equals the single-file run.
        Assert.Equal(0, CliRunner.Run("roundtrip", "--codec", CodecFragment, "--input", SpeechB, "--out", $"{_dir}/b1.wav").Code);
        Assert.Equal(File.ReadAllBytes($"{_dir}/b1.wav"), File.ReadAllBytes($"{_dir}/b.wav"));
        Assert.True(File.Exists($"{_dir}/a.wav"));
    }

    [ReferenceFact]
    public void Bad_lists_and_missing_options_are_one_error_line()
    {
        File.WriteAllLines($"{_dir}/bad.tsv", ["only-one-column"]);
        var bad = CliRunner.Run("roundtrip", "--codec", CodecFragment, "--list", $"{_dir}/bad.tsv");
        Assert.Equal(2, bad.Code);
        Assert.Contains("line 1: expected 2 tab-separated fields", bad.Error);

        var none = CliRunner.Run("roundtrip", "--codec", CodecFragment);
        Assert.Equal(2, none.Code);
        Assert.Contains("--input and --out, or --list", none.Error);

        var both = CliRunner.Run("roundtrip", "--codec", CodecFragment, "--model", fixture.PackageFolder, "--input", "x.wav", "--out", "y.wav");
        Assert.Equal(2, both.Code);
        Assert.Contains("either --model or --codec", both.Error);

        var noSource = CliRunner.Run("resynthesize", "--model", fixture.PackageFolder, "--out", $"{_dir}/o.wav");
        Assert.Equal(2, noSource.Code);
        Assert.Contains("--source and --out", noSource.Error);
    }

    [ReferenceFact]
    public void A_truncated_wav_is_read_as_far_as_it_goes_with_a_warning()
    {
        // 16-bit mono at 16 kHz whose header announces 52640 frames (3.29 s) while the file holds 24960 (1.56 s).
        var whole = new MemoryStream();
        new AudioClip(Enumerable.Range(0, 24960).Select(i => 0.3f * MathF.Sin(i * 0.05f)).ToArray(), 16000).WriteWav(whole);
        byte[] bytes = whole.ToArray();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(40), 52640 * 2); // the data chunk's size
        File.WriteAllBytes($"{_dir}/cut.wav", bytes);

        var (code, _, error) = CliRunner.Run("roundtrip", "--codec", CodecFragment, "--input", $"{_dir}/cut.wav", "--out", $"{_dir}/out.wav");
        Assert.True(code == 0, error);
        Assert.Equal($"warning: {_dir}/cut.wav: the data chunk declares 52640 frames (3.29 s) but the file holds 24960 (1.56 s); "
            + "reading the 1.56 s present." + Environment.NewLine, error);
        Assert.Equal(24960 / 320 * 320, AudioClip.ReadWav($"{_dir}/out.wav").FrameCount);
    }

    [ReferenceFact]
    public void Resynthesize_list_matches_single_runs_with_the_same_seed()
    {
        if (SpeechMissing()) return;
        File.WriteAllLines($"{_dir}/jobs.tsv", [$"{SpeechA}\t{SpeechB}\t{_dir}/with-prompt.wav", $"{SpeechB}\t\t{_dir}/no-prompt.wav"]);
        var batch = CliRunner.Run("resynthesize", "--model", fixture.PackageFolder, "--seed", "7", "--list", $"{_dir}/jobs.tsv");
        Assert.True(batch.Code == 0, batch.Error);
        Assert.Equal(0, CliRunner.Run("resynthesize", "--model", fixture.PackageFolder, "--seed", "7", "--source", SpeechA, "--prompt", SpeechB, "--out", $"{_dir}/single.wav").Code);
        Assert.Equal(File.ReadAllBytes($"{_dir}/single.wav"), File.ReadAllBytes($"{_dir}/with-prompt.wav"));
        Assert.Equal(0, CliRunner.Run("resynthesize", "--model", fixture.PackageFolder, "--seed", "7", "--source", SpeechB, "--out", $"{_dir}/single-b.wav").Code);
        Assert.Equal(File.ReadAllBytes($"{_dir}/single-b.wav"), File.ReadAllBytes($"{_dir}/no-prompt.wav"));
        // The output has the source's length in frames (the prompt's voice, not its words or duration).
        var clip = AudioClip.ReadWav($"{_dir}/with-prompt.wav");
        Assert.Equal((AudioClip.ReadWav(SpeechA).ToMono().Length - 400) / 320 + 1, clip.ToMono().Length / 320);
    }
}
