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
        await DotnetProcess.RunAsync(copy, new Dictionary<string, string>(), "pack", "src/SoundStorm.Cli/SoundStorm.Cli.csproj",
            "-c", "Release", "-o", feed, $"-p:Version={_version}");
        string nupkg = Path.Combine(feed, $"SoundStorm.Onnx.Cli.{_version}.nupkg");
        using (var zip = ZipFile.OpenRead(nupkg))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
            string[] model = Directory.GetFiles(Path.Combine(RepositoryCopy.Root(), "models", "default")).Select(Path.GetFileName).ToArray()!;
            Assert.All(model, f => Assert.Contains($"tools/net10.0/any/models/default/{f}", entries));
            Assert.Contains("tools/net10.0/any/DotnetToolSettings.xml", entries);
        }

        await DotnetProcess.RunAsync(_dir, new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_dir, "packages") },
            "tool", "install", "SoundStorm.Onnx.Cli", "--version", _version, "--tool-path", tools, "--add-source", feed);
        var (code, output) = await RunToolAsync(Path.Combine(tools, OperatingSystem.IsWindows() ? "soundstorm.exe" : "soundstorm"), "info");
        Assert.True(code == 0, output);
        // Outside any checkout (the tool and the working folder are under the temp folder), so this is the carried model.
        Assert.Contains("soundstorm-default", output);
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
