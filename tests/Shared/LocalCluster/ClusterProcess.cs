using System.Diagnostics;
using System.Text;

namespace SoundStorm.Tests.Shared.LocalCluster;

/// <summary>
/// The Cluster sample as its own process (<c>dotnet Cluster.dll ARGS</c>, from the caller's build output), its output
/// collected as it comes. <see cref="Kill"/> ends it the hard way (SIGKILL), as a crash would.
/// </summary>
public sealed class ClusterProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    /// <summary>Starts <c>dotnet Cluster.dll</c> with <paramref name="args"/>.</summary>
    public ClusterProcess(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Cluster.dll"));
        foreach (string arg in args) info.ArgumentList.Add(arg);
        _process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The process id.</summary>
    public int Pid => _process.Id;

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>What it printed so far (stdout and stderr, in arrival order).</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>The lines printed so far.</summary>
    public string[] Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Waits until <paramref name="condition"/> holds for the output; false if the process ended or the time ran out first.</summary>
    public bool WaitFor(Func<string, bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (condition(Output)) return true;
            if (_process.HasExited) return condition(Output);
            Thread.Sleep(25);
        }
        return false;
    }

    /// <summary>The exit code, or null if it has not ended within <paramref name="timeout"/>.</summary>
    public int? WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return null;
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no goodbye, connections drop mid-call, files being written stay as they are.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill();
        _process.WaitForExit(10_000);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null) lock (_output) _output.AppendLine(line);
    }
}
