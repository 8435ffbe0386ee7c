using System.Diagnostics;

namespace SoundStorm.Cli.Tests;

/// <summary>Runs the repository's Python scripts (scripts/…) with Debian's python3, which has numpy.</summary>
internal static class ScriptRunner
{
    /// <summary>The path of scripts/<paramref name="relative"/>, found above the test folder.</summary>
    public static string Script(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "scripts", relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"scripts/{relative} not found above the test folder");
    }

    /// <summary>Debian's python3, or null where it is not installed.</summary>
    public static string? Python() => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : null;

    /// <summary>Runs the script, asserts it succeeded and returns its standard output.</summary>
    public static string Run(string relative, params string[] args)
    {
        var (code, output, error) = Execute(relative, args);
        Assert.True(code == 0, error);
        return output;
    }

    /// <summary>Asserts the script exits non-zero and its error output names the problem.</summary>
    public static void AssertRefused(string message, string relative, params string[] args)
    {
        var (code, _, error) = Execute(relative, args);
        Assert.NotEqual(0, code);
        Assert.Contains(message, error);
    }

    public static (int Code, string Output, string Error) Execute(string relative, params string[] args)
    {
        var start = new ProcessStartInfo(Python()!) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Script(relative));
        foreach (string a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}
