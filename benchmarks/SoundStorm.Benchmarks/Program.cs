using BenchmarkDotNet.Running;
using SoundStorm.Benchmarks.Scenarios;

namespace SoundStorm.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/SoundStorm.Benchmarks -- scenarios [--smoke] [--out DIR]</c> runs the
/// scenario table; any other arguments go to BenchmarkDotNet's switcher.
/// </summary>
public static class Program
{
    /// <summary>Where synthetic model packages are cached between runs (git-ignored).</summary>
    public static string CacheDirectory { get; } = Path.Combine(FindRepositoryRoot(), "benchmarks", ".cache");

    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "scenarios")
        {
            bool smoke = args.Contains("--smoke");
            int outIndex = Array.IndexOf(args, "--out");
            string output = outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : Path.Combine(FindRepositoryRoot(), "benchmarks", "results");
            ScenarioRunner.Run(new ScenarioSettings(smoke, output, CacheDirectory, Console.WriteLine));
            Console.WriteLine($"results → {output}");
            return 0;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SoundStorm.Onnx.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
