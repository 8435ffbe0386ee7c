namespace SoundStorm.Samples;

/// <summary>
/// The package a sample uses when none is named: <c>SOUNDSTORM_MODEL</c>, else the repository's <c>models/default</c>
/// when the sample runs from a checkout (as the <c>soundstorm</c> tool does). An application of your own names its package.
/// </summary>
internal static class DefaultPackage
{
    /// <summary>The environment variable that names a package (folder or zip).</summary>
    public const string EnvironmentVariable = "SOUNDSTORM_MODEL";

    /// <summary>The package from the environment, else the checkout's default model, else null.</summary>
    public static string? Find()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return fromEnvironment;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SoundStorm.Onnx.sln")))
            {
                string candidate = Path.Combine(dir.FullName, "models", "default");
                return File.Exists(Path.Combine(candidate, "manifest.json")) ? candidate : null;
            }
        return null;
    }
}
