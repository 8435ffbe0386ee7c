namespace SoundStorm.Onnx.Tests;

/// <summary>Locations of shared reference data and scratch folders for tests.</summary>
internal static class TestPaths
{
    /// <summary>/work/shared/reference, found by walking up from the test binary to the folder that holds "shared".</summary>
    public static string Reference { get; } = FindReference();

    public static string ReferenceFile(string folder, string file) => Path.Combine(Reference, folder, file);

    public static string NewTempDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "soundstorm-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindReference()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "reference");
            if (Directory.Exists(candidate)) return candidate;
            candidate = Path.Combine(dir.FullName, "..", "shared", "reference");
            if (Directory.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        return "/work/shared/reference";
    }
}
