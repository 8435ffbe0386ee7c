namespace SoundStorm.Onnx.Tests;

/// <summary>Locations of shared reference data and scratch folders for tests.</summary>
internal static class TestPaths
{
    /// <summary>A file of the reference data (see <see cref="SoundStorm.Tests.Shared.ReferenceData"/>).</summary>
    public static string ReferenceFile(string folder, string file) => SoundStorm.Tests.Shared.ReferenceData.File(folder, file);

    /// <summary>The shipped model package of the checkout these tests were built from.</summary>
    public static string DefaultModel()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SoundStorm.Onnx.sln"))) return Path.Combine(dir.FullName, "models", "default");
        throw new InvalidOperationException("tests run outside the repository");
    }

    public static string NewTempDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "soundstorm-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
