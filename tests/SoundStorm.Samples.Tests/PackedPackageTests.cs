using System.Diagnostics;
using SoundStorm.Onnx.Tests.Pipeline;

namespace SoundStorm.Samples.Tests;

/// <summary>
/// The way a user gets the library: `dotnet pack` into a local folder feed, a fresh app that references the package
/// (and ONNX Runtime's CPU natives) from that feed, restore, build, run — generating tokens from a model package.
/// </summary>
public sealed class PackedPackageTests(FullPackageFixture fixture) : IClassFixture<FullPackageFixture>, IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "soundstorm-pack-test", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Packed_library_restores_into_a_fresh_app_and_generates()
    {
        string feed = Path.Combine(_dir, "feed"), app = Path.Combine(_dir, "app");
        string project = Path.Combine(Root(), "src", "SoundStorm.Onnx", "SoundStorm.Onnx.csproj");
        Run("dotnet", Root(), "pack", project, "-c", "Release", "-o", feed, "-p:ContinuousIntegrationBuild=true");
        Assert.True(File.Exists(Path.Combine(feed, "SoundStorm.Onnx.0.1.0.nupkg")));
        Assert.True(File.Exists(Path.Combine(feed, "SoundStorm.Onnx.0.1.0.snupkg")));

        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "NuGet.Config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "app.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
              <ItemGroup>
                <PackageReference Include="SoundStorm.Onnx" Version="0.1.0" />
                <PackageReference Include="Microsoft.ML.OnnxRuntime" Version="1.31.1" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using SoundStorm.Onnx.Generation;
            using SoundStorm.Onnx.Packages;
            using var package = ModelPackage.Load(args[0]);
            using var generator = new SoundStormGenerator(package);
            var codes = generator.Generate(new GenerationRequest([1, 2, 3, 4, 5, 6, 7, 8], seed: 3));
            Console.WriteLine($"codes {codes.GetLength(0)}x{codes.GetLength(1)}");
            """);
        // A private package cache: the feed's package must be the one just packed, not a stale copy.
        string output = Run("dotnet", app, "run", "--", fixture.PackageFolder);
        Assert.Contains("codes 8x4", output);
    }

    private string Run(string file, string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["NUGET_PACKAGES"] = Path.Combine(_dir, "packages");
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), $"{file} {string.Join(' ', args)} timed out");
        string all = stdout.Result + stderr.Result;
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} failed:\n{all}");
        return all;
    }

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SoundStorm.Onnx.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("repository root");
    }
}
