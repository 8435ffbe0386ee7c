using System.IO.Compression;
using System.Xml.Linq;
using SoundStorm.Tests.Shared;

namespace SoundStorm.Samples.Tests;

/// <summary>
/// SLOW (about a minute: a Release pack, then a restore and build of a new app) — the library the way a user gets it:
/// <c>dotnet pack</c> into a local folder feed, a fresh console app with PackageReferences to SoundStorm.Onnx (from that
/// feed) and Microsoft.ML.OnnxRuntime, restored through a NuGet.config that puts the feed before the machine's
/// configured sources, built and run on a model package; its tokens must equal the in-process generator's.
/// </summary>
/// <remarks>
/// The library's sources are packed from a copy with a version of their own (0.0.0-localfeed.*), so neither the
/// repository's obj/ folders nor the machine's package cache see anything of the test, and a package of the same
/// version left in a cache can never stand in for the one just packed. The app restores into its own package folder,
/// reusing the machine's packages (ONNX Runtime) read-only as a fallback folder: no download when they are there.
/// </remarks>
[Trait("Category", "Slow")]
public sealed class PackedLibraryTests(FullPackageFixture fixture) : IClassFixture<FullPackageFixture>, IDisposable
{
    private const string OnnxRuntimeVersion = "1.31.1";
    private readonly string _dir = Directory.CreateTempSubdirectory("soundstorm-pack-").FullName;
    private readonly string _version = $"0.0.0-localfeed.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [ReferenceFact]
    public async Task Packed_library_restores_builds_and_generates_in_a_fresh_app()
    {
        string feed = Path.Combine(_dir, "feed");
        string nupkg = await PackAsync(feed);
        AssertPackageMetadata(nupkg);

        string app = Path.Combine(_dir, "app");
        WriteApp(app, feed);
        var env = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = Path.Combine(_dir, "packages"),
            ["SOUNDSTORM_FALLBACK_PACKAGES"] = await RepositoryCopy.GlobalPackagesFolderAsync(),
        };
        await DotnetProcess.RunAsync(app, env, "restore");
        await DotnetProcess.RunAsync(app, env, "build", "--no-restore", "-c", "Release");
        Assert.True(File.Exists(Path.Combine(_dir, "packages", "soundstorm.onnx", _version, $"soundstorm.onnx.{_version}.nupkg")),
            "the app restored SoundStorm.Onnx from somewhere other than the local feed");

        string output = await DotnetProcess.RunAsync(app, env, "run", "--no-build", "-c", "Release", "--", fixture.PackageFolder);
        string[] lines = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        string codes = lines.Single(l => l.StartsWith("codes ", StringComparison.Ordinal));
        Assert.Equal(ExpectedCodesLine(fixture.PackageFolder), codes);
    }

    /// <summary>The same request through the library in this process, printed as the app prints it.</summary>
    private static string ExpectedCodesLine(string package)
    {
        using var loaded = ModelPackage.Load(package);
        using var generator = new SoundStormGenerator(loaded);
        CodeGrid codes = generator.Generate(new GenerationRequest(AppSemantic(), seed: 7), new GenerationOptions { FirstLevelIterations = 4 });
        return $"codes {codes.Frames}x{codes.Codebooks}: {string.Join(',', codes.AsSpan().ToArray())}";
    }

    private static long[] AppSemantic() => Enumerable.Range(0, 24).Select(i => (long)(i * 7 % 32)).ToArray();

    private async Task<string> PackAsync(string feed)
    {
        // A copy of what `dotnet pack src/SoundStorm.Onnx` reads: the project folder and the repository-wide props.
        string copy = Path.Combine(_dir, "src");
        RepositoryCopy.Make(copy, Path.Combine("src", "SoundStorm.Onnx"));

        await DotnetProcess.RunAsync(copy, new Dictionary<string, string>(), "pack", "src/SoundStorm.Onnx/SoundStorm.Onnx.csproj",
            "-c", "Release", "-o", feed, $"-p:Version={_version}");
        string nupkg = Path.Combine(feed, $"SoundStorm.Onnx.{_version}.nupkg");
        Assert.True(File.Exists(nupkg), $"no {nupkg}");
        Assert.True(File.Exists(Path.ChangeExtension(nupkg, ".snupkg")), "no symbol package");
        return nupkg;
    }

    private void AssertPackageMetadata(string nupkg)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("lib/net10.0/SoundStorm.Onnx.dll", entries);
        Assert.Contains("lib/net10.0/SoundStorm.Onnx.xml", entries); // IntelliSense docs
        Assert.Contains("README.md", entries);

        XNamespace ns = "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd";
        using var nuspecStream = zip.GetEntry("SoundStorm.Onnx.nuspec")!.Open();
        var metadata = XDocument.Load(nuspecStream).Root!.Element(ns + "metadata")!;
        Assert.Equal(_version, metadata.Element(ns + "version")?.Value);
        Assert.Equal("MIT", metadata.Element(ns + "license")?.Value);
        Assert.Equal("expression", metadata.Element(ns + "license")?.Attribute("type")?.Value);
        Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
        // The repository has no public address: no placeholder URL may stand in for one.
        Assert.Null(metadata.Element(ns + "repository")?.Attribute("url"));
        Assert.Null(metadata.Element(ns + "projectUrl"));
        Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")?.Value));
        Assert.Contains("onnxruntime", metadata.Element(ns + "tags")?.Value.Split(' ') ?? []);
        // The library brings the managed ONNX Runtime only; the app picks the native package (CPU, CUDA or DirectML).
        var dependencies = metadata.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value).ToList();
        Assert.Contains("Microsoft.ML.OnnxRuntime.Managed", dependencies);
        Assert.DoesNotContain(dependencies, d => d.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal) && d != "Microsoft.ML.OnnxRuntime.Managed");
    }

    private void WriteApp(string app, string feed)
    {
        Directory.CreateDirectory(app);
        // No <clear/>: the machine's own sources (user and machine NuGet.config) follow the local feed.
        File.WriteAllText(Path.Combine(app, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="soundstorm-local-feed" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "PackedApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <RestoreAdditionalProjectFallbackFolders>$(SOUNDSTORM_FALLBACK_PACKAGES)</RestoreAdditionalProjectFallbackFolders>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="SoundStorm.Onnx" Version="[{_version}]" />
                <PackageReference Include="Microsoft.ML.OnnxRuntime" Version="{OnnxRuntimeVersion}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), $$"""
            using SoundStorm.Onnx;

            using var package = ModelPackage.Load(args[0]);
            using var generator = new SoundStormGenerator(package);
            long[] semantic = Enumerable.Range(0, 24).Select(i => (long)(i * 7 % 32)).ToArray();
            CodeGrid codes = generator.Generate(new GenerationRequest(semantic, seed: 7), new GenerationOptions { FirstLevelIterations = 4 });
            Console.WriteLine($"codes {codes.Frames}x{codes.Codebooks}: {string.Join(',', codes.AsSpan().ToArray())}");
            """);
    }
}
