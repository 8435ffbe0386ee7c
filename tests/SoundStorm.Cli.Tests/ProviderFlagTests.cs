namespace SoundStorm.Cli.Tests;

/// <summary>
/// <c>--provider</c> on a machine whose ONNX Runtime is the CPU package (as the CLI ships): CUDA is refused with one
/// line naming the package to build with, <c>--cpu-fallback</c> warns and then produces exactly the CPU run's audio.
/// </summary>
[Collection("console")]
public sealed class ProviderFlagTests : IDisposable
{
    private readonly string _dir = Paths.NewTemp();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string[] Resynthesize(string output, params string[] extra) =>
    [
        "resynthesize", "--source", Sample("allison-en-new-extension.wav"), "--prompt", Sample("carlo-it-prompt.wav"),
        "--seed", "3", "--out", output, .. extra,
    ];

    private static string Sample(string name) => Path.Combine(Paths.RepositoryRoot(), "samples", "audio", name);

    [Fact]
    public void Cuda_without_its_native_package_is_one_error_line_naming_the_package()
    {
        string output = Path.Combine(_dir, "cuda.wav");
        var (code, _, error) = CliRunner.Run(Resynthesize(output, "--provider", "cuda"));
        Assert.Equal(2, code);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: The Cuda execution provider is not available", line, StringComparison.Ordinal);
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu", line, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void Cpu_fallback_warns_and_writes_the_cpu_runs_audio()
    {
        string cpu = Path.Combine(_dir, "cpu.wav"), fallback = Path.Combine(_dir, "fallback.wav");
        var plain = CliRunner.Run(Resynthesize(cpu, "--provider", "cpu"));
        Assert.True(plain.Code == 0, plain.Error);
        var run = CliRunner.Run(Resynthesize(fallback, "--provider", "cuda", "--cpu-fallback"));
        Assert.True(run.Code == 0, run.Error);
        Assert.Contains("warning:", run.Error, StringComparison.Ordinal);
        Assert.Contains("CPU", run.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(File.ReadAllBytes(cpu), File.ReadAllBytes(fallback));
    }

    [Theory]
    [InlineData("--provider", "tpu", "--provider tpu: expected cpu, cuda or directml.")]
    [InlineData("--device", "-1", "--device -1: expected a GPU index ≥ 0.")]
    public void Bad_values_name_the_flag(string flag, string value, string message)
    {
        var (code, _, error) = CliRunner.Run(Resynthesize(Path.Combine(_dir, "o.wav"), flag, value));
        Assert.Equal(2, code);
        Assert.Equal($"error: {message}", error.Trim());
    }
}
