namespace SoundStorm.Cli.Tests;

/// <summary>
/// The sampling flags of <c>generate</c> / <c>resynthesize</c> reach the sampler (argmax without confidence noise no
/// longer depends on the seed; sampling does), and out-of-range values are one error naming the flag.
/// </summary>
[Collection("console")]
public sealed class SamplingFlagTests : IDisposable
{
    private readonly string _dir = Paths.NewTemp();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Semantic()
    {
        var rng = new Random(3);
        string path = $"{_dir}/s.npy";
        NpyFile.Write(path, new NpyArray(Enumerable.Range(0, 24).Select(_ => (long)rng.Next(100)).ToArray(), 24)); // the default model has K = 100
        return path;
    }

    private long[] Generate(string semantic, string name, params string[] flags)
    {
        var result = CliRunner.Run(["generate", "--semantic", semantic, "--out", $"{_dir}/{name}.npy", "--steps", "4,1,1,1", .. flags]);
        Assert.True(result.Code == 0, result.Error);
        return NpyFile.Read($"{_dir}/{name}.npy").ToInt64();
    }

    [Fact]
    public void Argmax_without_confidence_noise_ignores_the_seed_and_sampling_does_not()
    {
        string semantic = Semantic();
        long[] greedyA = Generate(semantic, "ga", "--temperature", "0", "--confidence-noise", "0", "--seed", "1");
        long[] greedyB = Generate(semantic, "gb", "--temperature", "0", "--confidence-noise", "0", "--seed", "2");
        Assert.Equal(greedyA, greedyB);
        long[] sampledA = Generate(semantic, "sa", "--seed", "1");
        long[] sampledB = Generate(semantic, "sb", "--seed", "2");
        Assert.NotEqual(sampledA, sampledB);
        Assert.Equal(sampledA, Generate(semantic, "sa2", "--seed", "1"));
    }

    [Theory]
    [InlineData("--temperature", "-1", "--temperature -1: expected a finite number ≥ 0.")]
    [InlineData("--top-p", "0", "--top-p 0: expected a number in (0, 1].")]
    [InlineData("--top-k", "-3", "--top-k -3: expected 0 (off) or a positive count.")]
    [InlineData("--confidence-noise", "NaN", "--confidence-noise NaN: expected a finite number ≥ 0.")]
    [InlineData("--steps", "16,x", "--steps '16,x': entry 2 ('x') is not a positive integer.")]
    public void Out_of_range_flags_are_one_error_naming_the_flag(string flag, string value, string message)
    {
        string semantic = Semantic();
        var (code, _, error) = CliRunner.Run("generate", "--semantic", semantic, "--out", $"{_dir}/x.npy", flag, value);
        Assert.Equal(2, code);
        Assert.Contains(message, error);
        Assert.False(File.Exists($"{_dir}/x.npy"));
        var resynthesis = CliRunner.Run("resynthesize", "--source", $"{_dir}/none.wav", "--out", $"{_dir}/x.wav", flag, value);
        Assert.Equal(2, resynthesis.Code);
        Assert.Contains(message, resynthesis.Error);
    }
}
