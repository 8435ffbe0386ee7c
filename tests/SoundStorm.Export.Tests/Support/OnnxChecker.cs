using System.Diagnostics;

namespace SoundStorm.Export.Tests.Support;

/// <summary>
/// Runs Debian's python3-onnx checker (<c>onnx.checker.check_model(path, full_check=True)</c>) on a written model:
/// an independent validator of our writer. Where the package is absent the check is skipped, unless
/// <c>SOUNDSTORM_REQUIRE_TEST_TOOLS=1</c> (set by .ci/run, which installs it) makes that a failure.
/// </summary>
public static class OnnxChecker
{
    private const string Python = "/usr/bin/python3";
    private static readonly Lazy<bool> Available = new(Probe);

    public static bool IsAvailable => Available.Value;

    public static void Check(string path)
    {
        if (!IsAvailable)
        {
            if (TestTools.Required) Assert.Fail("python3-onnx is required (SOUNDSTORM_REQUIRE_TEST_TOOLS=1) but `import onnx` fails under /usr/bin/python3: apt-get install python3-onnx");
            return;
        }
        var (code, output) = RunPython("import onnx, sys; onnx.checker.check_model(sys.argv[1], full_check=True)", path);
        Assert.True(code == 0, $"onnx.checker rejected {path}:\n{output}");
    }

    private static bool Probe() => File.Exists(Python) && RunPython("import onnx").Code == 0;

    private static (int Code, string Output) RunPython(string code, params string[] args)
    {
        var info = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(code);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        string stdout = process.StandardOutput.ReadToEnd();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr);
    }
}

public static class TestTools
{
    /// <summary>True when CI demands that every external test tool is present (no silent skips).</summary>
    public static bool Required => Environment.GetEnvironmentVariable("SOUNDSTORM_REQUIRE_TEST_TOOLS") == "1";
}
