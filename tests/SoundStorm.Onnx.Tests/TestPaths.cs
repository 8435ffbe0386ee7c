namespace SoundStorm.Onnx.Tests;

/// <summary>Locations of shared reference data and scratch folders for tests.</summary>
internal static class TestPaths
{
    /// <summary>A file of the reference data (see <see cref="SoundStorm.Tests.Shared.ReferenceData"/>).</summary>
    public static string ReferenceFile(string folder, string file) => SoundStorm.Tests.Shared.ReferenceData.File(folder, file);

    public static string NewTempDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "soundstorm-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
