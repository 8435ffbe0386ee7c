namespace SoundStorm.Cli.Tests;

/// <summary>
/// The verbs agree with each other on the shipped default model: one option name for an input file, generate's audio is
/// decode's audio of the same codes, and encode makes the prompt generate takes.
/// </summary>
[Collection("console")]
public sealed class VerbConsistencyTests : IDisposable
{
    private readonly string _dir = Paths.NewTemp();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Sample(string name) => Path.Combine(Paths.RepositoryRoot(), "samples", "audio", name);

    private static void AssertRan((int Code, string Out, string Error) run) => Assert.True(run.Code == 0, run.Error);

    [Fact]
    public void Tokenize_and_roundtrip_take_input_and_keep_in_as_an_alias()
    {
        string speech = Sample("carlo-it-prompt.wav");
        AssertRan(CliRunner.Run("tokenize", "--input", speech, "--out", $"{_dir}/a.npy"));
        AssertRan(CliRunner.Run("tokenize", "--in", speech, "--out", $"{_dir}/b.npy"));
        Assert.Equal(NpyFile.Read($"{_dir}/a.npy").ToInt64(), NpyFile.Read($"{_dir}/b.npy").ToInt64());
        AssertRan(CliRunner.Run("roundtrip", "--in", speech, "--out", $"{_dir}/r.wav"));
        Assert.True(File.Exists($"{_dir}/r.wav"));
    }

    [Fact]
    public void Generate_to_wav_writes_what_decode_makes_of_the_same_codes()
    {
        var rng = new Random(5);
        NpyFile.Write($"{_dir}/s.npy", new NpyArray(Enumerable.Range(0, 30).Select(_ => (long)rng.Next(100)).ToArray(), 30));
        string[] generate = ["generate", "--semantic", $"{_dir}/s.npy", "--seed", "4", "--steps", "4,1,1,1"];
        AssertRan(CliRunner.Run([.. generate, "--out", $"{_dir}/direct.wav"]));
        AssertRan(CliRunner.Run([.. generate, "--out", $"{_dir}/codes.npy"]));
        AssertRan(CliRunner.Run("decode", "--codes", $"{_dir}/codes.npy", "--out", $"{_dir}/decoded.wav"));
        Assert.Equal(File.ReadAllBytes($"{_dir}/decoded.wav"), File.ReadAllBytes($"{_dir}/direct.wav"));
    }

    [Fact]
    public void Encode_writes_a_prompt_that_generate_takes()
    {
        var run = CliRunner.Run("encode", "--input", Sample("carlo-it-prompt.wav"), "--out", $"{_dir}/pa.npy", "--semantic-out", $"{_dir}/ps.npy");
        AssertRan(run);
        var codes = NpyFile.Read($"{_dir}/pa.npy");
        long[] semantic = NpyFile.Read($"{_dir}/ps.npy").ToInt64();
        int seconds = (int)AudioClip.ReadWav(Sample("carlo-it-prompt.wav")).Duration.TotalSeconds;
        Assert.Equal(4, codes.Shape[1]);
        Assert.InRange(codes.Shape[0], seconds * 50 - 2, (seconds + 1) * 50);
        Assert.Equal(codes.Shape[0], semantic.Length); // aligned frame by frame, as generate requires
        Assert.All(codes.ToInt64(), c => Assert.InRange(c, 0, 1023));
        Assert.All(semantic, s => Assert.InRange(s, 0, 99));

        NpyFile.Write($"{_dir}/s.npy", new NpyArray(semantic[..20], 20));
        AssertRan(CliRunner.Run("generate", "--semantic", $"{_dir}/s.npy", "--prompt-semantic", $"{_dir}/ps.npy", "--prompt-acoustic", $"{_dir}/pa.npy",
            "--steps", "2,1,1,1", "--out", $"{_dir}/a.npy"));
        Assert.Equal(new[] { 20, 4 }, NpyFile.Read($"{_dir}/a.npy").Shape);
    }
}
