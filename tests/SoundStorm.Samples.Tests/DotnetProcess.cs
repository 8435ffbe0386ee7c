using System.Diagnostics;
using System.Text;

namespace SoundStorm.Samples.Tests;

/// <summary>Runs the dotnet CLI as a child process, bounded in time, and fails the test with its output when it fails.</summary>
internal static class DotnetProcess
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    public static async Task<string> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        // No build servers or reused MSBuild nodes outliving the command: they would keep running after the tests
        // (and hold this process's output pipes open).
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        info.Environment["UseSharedCompilation"] = "false";
        foreach (var (key, value) in environment) info.Environment[key] = value;

        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var output = new StringBuilder();
        var stdout = PumpAsync(process.StandardOutput, output);
        var stderr = PumpAsync(process.StandardError, output);
        using var timeout = new CancellationTokenSource(Limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', args)} ran past {Limit.TotalMinutes} min:\n{output}");
        }
        await Task.WhenAll(stdout, stderr);
        string text = output.ToString();
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', args)} (in {workingDirectory}) exited {process.ExitCode}:\n{text}");
        return text;
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder output)
    {
        while (await reader.ReadLineAsync() is { } line)
            lock (output) output.AppendLine(line);
    }
}
