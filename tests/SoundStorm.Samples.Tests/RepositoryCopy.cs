namespace SoundStorm.Samples.Tests;

/// <summary>
/// Copies of parts of the repository for pack tests: packing a copy (with a version of its own) keeps the
/// repository's obj/ folders and the machine's package cache out of the test.
/// </summary>
internal static class RepositoryCopy
{
    /// <summary>The checkout holding the tests (the folder with SoundStorm.Onnx.sln).</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SoundStorm.Onnx.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No SoundStorm.Onnx.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>Copies the repository-wide build files (the analyzers' .editorconfig among them) and the given folders (relative to the root, bin/ and obj/ left out) to <paramref name="to"/>.</summary>
    public static void Make(string to, params string[] folders)
    {
        string root = Root();
        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(root).Where(f => Path.GetExtension(f) is ".props" or ".targets" || Path.GetFileName(f) is "global.json" or ".editorconfig"))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (string folder in folders) CopyTree(Path.Combine(root, folder), Path.Combine(to, folder));
    }

    private static void CopyTree(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj") continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, relative))!);
            File.Copy(file, Path.Combine(to, relative));
        }
    }

    /// <summary>The machine's NuGet global-packages folder (used read-only as a fallback folder, so nothing is downloaded twice).</summary>
    public static async Task<string> GlobalPackagesFolderAsync()
    {
        string listing = await DotnetProcess.RunAsync(Path.GetTempPath(), new Dictionary<string, string>(), "nuget", "locals", "global-packages", "--list");
        string line = listing.Split('\n').Single(l => l.Contains("global-packages:", StringComparison.Ordinal));
        return line[(line.IndexOf(':') + 1)..].Trim();
    }
}
