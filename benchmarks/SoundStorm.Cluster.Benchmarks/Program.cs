namespace SoundStorm.Cluster.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/SoundStorm.Cluster.Benchmarks -- [--requests N] [--out DIR]</c>:
/// the Cluster sample with 1, 2 and 3 silo processes on this machine (needs Debian's redis-server); writes
/// cluster.md and cluster.csv to benchmarks/results (or DIR).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        string root = FindRepositoryRoot();
        int requestsIndex = Array.IndexOf(args, "--requests"), outIndex = Array.IndexOf(args, "--out");
        int requests = requestsIndex >= 0 && requestsIndex + 1 < args.Length ? int.Parse(args[requestsIndex + 1], System.Globalization.CultureInfo.InvariantCulture) : 40;
        string output = outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : Path.Combine(root, "benchmarks", "results");
        ClusterScenario.Run(Path.Combine(root, "models", "default"), output, requests, Console.WriteLine);
        Console.WriteLine($"results → {output}");
        return 0;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SoundStorm.Onnx.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
