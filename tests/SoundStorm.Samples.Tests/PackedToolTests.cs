using System.Diagnostics;
using System.IO.Compression;

namespace SoundStorm.Samples.Tests;

/// <summary>
/// SLOW (a Release pack of the tool, then an install) — the <c>soundstorm</c> tool the way a user gets it: packed into
/// a local folder feed, installed with <c>dotnet tool install --tool-path</c>, and run from a folder outside the
/// repository with no <c>--model</c> and no SOUNDSTORM_MODEL: it must find the default model it carries.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PackedToolTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("soundstorm-tool-").FullName;
    private readonly string _version = $"0.0.0-localfeed.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Installed_tool_carries_and_finds_the_default_model()
    {
        string copy = Path.Combine(_dir, "src"), feed = Path.Combine(_dir, "feed"), tools = Path.Combine(_dir, "tools");
        RepositoryCopy.Make(copy, Path.Combine("src", "SoundStorm.Cli"), Path.Combine("src", "SoundStorm.Onnx"),
            Path.Combine("export", "SoundStorm.Export"), Path.Combine("models", "default"));
        // This platform's package only (the README's `dotnet pack` makes one per platform), to keep the test short.
        string rid = ThisPlatform();
        await DotnetProcess.RunAsync(copy, new Dictionary<string, string>(), "pack", "src/SoundStorm.Cli/SoundStorm.Cli.csproj",
            "-c", "Release", "-o", feed, $"-p:Version={_version}", $"-p:ToolPackageRuntimeIdentifiers={rid}");
        using (var pointer = ZipFile.OpenRead(Path.Combine(feed, $"SoundStorm.Onnx.Cli.{_version}.nupkg")))
        {
            // The package `dotnet tool install` finds by name only names the platform packages: no natives, no model.
            Assert.Contains("tools/any/any/DotnetToolSettings.xml", pointer.Entries.Select(e => e.FullName));
            Assert.DoesNotContain(pointer.Entries, e => e.FullName.Contains("onnxruntime", StringComparison.Ordinal) || e.FullName.Contains("models/", StringComparison.Ordinal));
            string nuspec = new StreamReader(pointer.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open()).ReadToEnd();
            Assert.Contains("<license type=\"expression\">MIT AND CC-BY-SA-3.0</license>", nuspec);
            Assert.DoesNotContain("example.invalid", nuspec);
        }
        using (var platform = ZipFile.OpenRead(Path.Combine(feed, $"SoundStorm.Onnx.Cli.{rid}.{_version}.nupkg")))
        {
            var entries = platform.Entries.Select(e => e.FullName).ToHashSet();
            string[] model = Directory.GetFiles(Path.Combine(RepositoryCopy.Root(), "models", "default")).Select(Path.GetFileName).ToArray()!;
            Assert.All(model, f => Assert.Contains($"tools/net10.0/{rid}/models/default/{f}", entries));
            // Only this platform's ONNX Runtime natives: no runtimes/<other platform>/ folders.
            Assert.DoesNotContain(entries, e => e.Contains("/runtimes/", StringComparison.Ordinal));
        }

        await DotnetProcess.RunAsync(_dir, new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_dir, "packages") },
            "tool", "install", "SoundStorm.Onnx.Cli", "--version", _version, "--tool-path", tools, "--add-source", feed);
        var (code, output) = await RunToolAsync(Path.Combine(tools, OperatingSystem.IsWindows() ? "soundstorm.exe" : "soundstorm"), "info");
        Assert.True(code == 0, output);
        // Outside any checkout (the tool and the working folder are under the temp folder), so this is the carried model.
        Assert.Contains("soundstorm-default", output);
    }

    private static string ThisPlatform()
    {
        string os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        return $"{os}-{System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}";
    }

    private async Task<(int Code, string Output)> RunToolAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { WorkingDirectory = _dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) start.ArgumentList.Add(a);
        start.Environment.Remove("SOUNDSTORM_MODEL");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await stdout + await stderr);
    }
}
