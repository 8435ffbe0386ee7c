namespace SoundStorm.Benchmarks;

/// <summary>The repository's folders the benchmark programs read and write, and their command-line values.</summary>
internal static class BenchmarkPaths
{
    /// <summary>The checkout's root (the folder holding SoundStorm.Onnx.sln), or the current directory.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Where synthetic model packages are cached between runs (git-ignored).</summary>
    public static string CacheDirectory { get; } = Path.Combine(RepositoryRoot, "benchmarks", ".cache");

    /// <summary>Where result tables are written unless <c>--out</c> says otherwise.</summary>
    public static string ResultsDirectory { get; } = Path.Combine(RepositoryRoot, "benchmarks", "results");

    /// <summary>The argument after <paramref name="name"/>, or null.</summary>
    public static string? Value(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SoundStorm.Onnx.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
