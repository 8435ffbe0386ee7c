namespace SoundStorm.Cli.Tests;

/// <summary>
/// The model shipped in <c>models/default</c> and the README's first command: found without <c>--model</c>, valid,
/// small, and turning the shipped sample into speech-length, non-silent audio in the prompt's place.
/// </summary>
[Collection("console")]
public sealed class DefaultModelTests : IDisposable
{
    private readonly string _dir = Paths.NewTemp();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string RepositoryRoot() => Paths.RepositoryRoot();

    private static string Sample(string name) => Path.Combine(RepositoryRoot(), "samples", "audio", name);

    [Fact]
    public void Default_package_validates_and_stays_small()
    {
        string folder = Path.Combine(RepositoryRoot(), "models", "default");
        using var package = ModelPackage.Load(folder); // checks every SHA-256 and graph signature
        Assert.Equal(ModelFamilies.MaskGit, package.ModelFamily);
        Assert.Equal(16000, package.SampleRate);
        Assert.Equal(50.0, package.FrameRate);
        foreach (string role in new[] { GraphNames.Semantic, GraphNames.CodecEncoder, GraphNames.CodecDecoder, GraphNames.Combiner, GraphNames.Transformer })
            Assert.True(package.HasGraph(role), $"models/default lacks the {role} graph");
        long bytes = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.True(bytes < 60L << 20, $"models/default is {bytes / (1 << 20)} MiB; the issue asks for a few tens of MB at most");
    }

    [Fact]
    public void Readme_first_command_resynthesizes_the_shipped_sample_without_naming_a_model()
    {
        string source = Sample("allison-en-new-extension.wav"), output = Path.Combine(_dir, "out.wav");
        var run = CliRunner.Run("resynthesize", "--source", source, "--prompt", Sample("carlo-it-prompt.wav"), "--out", output);
        Assert.True(run.Code == 0, run.Error);

        var input = AudioClip.ReadWav(source);
        var result = AudioClip.ReadWav(output);
        Assert.Equal(16000, result.SampleRate);
        // One codec frame (320 samples) per semantic token: the output spans the source up to the last whole frame.
        Assert.InRange(result.FrameCount, input.FrameCount - 2 * 320, input.FrameCount);
        float[] samples = result.ToMono();
        Assert.All(samples, s => Assert.True(float.IsFinite(s)));
        double rmsDbfs = 20 * Math.Log10(Math.Sqrt(samples.Average(s => (double)s * s)));
        Assert.True(rmsDbfs > -45, $"output RMS {rmsDbfs:F1} dBFS: silence instead of speech");
    }
}
