namespace SoundStorm.Cli;

/// <summary>Where the tool finds a model package when <c>--model</c> is not given.</summary>
internal static class ModelLocator
{
    /// <summary>Environment variable that names a default package (folder or zip).</summary>
    public const string EnvironmentVariable = "SOUNDSTORM_MODEL";

    public static string Resolve(string? explicitPath)
    {
        if (!string.IsNullOrEmpty(explicitPath)) return explicitPath;
        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment)) return fromEnvironment;
        foreach (string candidate in Candidates())
            if (File.Exists(Path.Combine(candidate, "manifest.json"))) return candidate;
        throw new CliException($"No model package given: pass --model DIR (or set {EnvironmentVariable}); no default package was found in {string.Join(" or ", Candidates())}.");
    }

    // The package shipped with the tool, then the repository's models/default when run from a checkout.
    private static IEnumerable<string> Candidates()
    {
        yield return Path.Combine(AppContext.BaseDirectory, "models", "default");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SoundStorm.Onnx.sln")))
            {
                yield return Path.Combine(dir.FullName, "models", "default");
                yield break;
            }
    }
}
