using System.Diagnostics;
using System.Runtime.InteropServices;

namespace SoundStorm.Cli.Tests;

/// <summary>
/// Runs the built tool as a separate process, for what an in-process run cannot see: native libraries writing to the
/// real stderr, and signals.
/// </summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _out = new(), _error = new();

    public CliProcess(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "soundstorm.dll"));
        foreach (string arg in args) start.ArgumentList.Add(arg);
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => { lock (_out) if (e.Data is not null) _out.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_error) if (e.Data is not null) _error.AppendLine(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Out { get { lock (_out) return _out.ToString(); } }

    public string Error { get { lock (_error) return _error.ToString(); } }

    /// <summary>Waits until stdout contains <paramref name="text"/>; false if the process ended or the time ran out first.</summary>
    public bool WaitForOutput(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout && !_process.HasExited)
        {
            if (Out.Contains(text, StringComparison.Ordinal)) return true;
            Thread.Sleep(50);
        }
        return Out.Contains(text, StringComparison.Ordinal);
    }

    /// <summary>The exit code, or null if the process has not ended within <paramref name="timeout"/>.</summary>
    public int? WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return null;
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    /// <summary>Sends SIGINT, as Ctrl+C in a terminal does.</summary>
    public void Interrupt()
    {
        if (kill(_process.Id, 2) != 0) throw new InvalidOperationException($"kill(SIGINT) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
