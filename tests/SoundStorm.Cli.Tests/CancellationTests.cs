using System.Diagnostics;
using System.IO.Compression;

namespace SoundStorm.Cli.Tests;

/// <summary>
/// Ctrl+C (SIGINT) stops a running verb within one graph call, leaves no output or temporary file behind, and exits
/// with 130 — tested on a real process with a real signal, and in-process with a cancelled token.
/// </summary>
[Collection("console")]
public sealed class CancellationTests : IDisposable
{
    private readonly string _dir = Paths.NewTemp();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Sample(string name) => Path.Combine(Paths.RepositoryRoot(), "samples", "audio", name);

    // The shipped sample repeated to a minute of speech: long enough that the run is still going when the signal comes.
    private string LongSource()
    {
        var clip = AudioClip.ReadWav(Sample("allison-en-new-extension.wav"));
        float[] one = clip.ToMono();
        var minute = new float[clip.SampleRate * 60];
        for (int i = 0; i < minute.Length; i++) minute[i] = one[i % one.Length];
        string path = Path.Combine(_dir, "long.wav");
        new AudioClip(minute, clip.SampleRate).WriteWav(path);
        return path;
    }

    [Fact]
    public void Sigint_during_resynthesis_exits_130_and_writes_nothing()
    {
        if (!OperatingSystem.IsLinux()) return; // signals are sent with kill(2)
        string source = LongSource(), output = Path.Combine(_dir, "out", "o.wav");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        using var process = new CliProcess("resynthesize", "--source", source, "--prompt", Sample("carlo-it-prompt.wav"), "--out", output);
        Assert.True(process.WaitForOutput("resynthesizing", TimeSpan.FromSeconds(60)), $"no progress shown: {process.Out} {process.Error}");
        var clock = Stopwatch.StartNew();
        process.Interrupt();
        int? code = process.WaitForExit(TimeSpan.FromSeconds(20));
        Assert.True(code is not null, "still running 20 s after SIGINT");
        Assert.Equal(130, code);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20));
        Assert.Equal($"cancelled; no output written.{Environment.NewLine}", process.Error);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(output)!));
    }

    [Fact]
    public void A_cancelled_run_on_a_zipped_package_stops_unpacking_exits_130_and_writes_nothing()
    {
        string zip = Path.Combine(_dir, "default.zip"), output = Path.Combine(_dir, "out", "o.wav");
        ZipFile.CreateFromDirectory(Path.Combine(Paths.RepositoryRoot(), "models", "default"), zip);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var (code, _, error) = CliRunner.Run(cancelled.Token, "resynthesize", "--model", zip, "--source", Sample("allison-en-new-extension.wav"), "--out", output);
        Assert.Equal(130, code);
        Assert.Equal($"cancelled; no output written.{Environment.NewLine}", error);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(output)!));
    }
}
