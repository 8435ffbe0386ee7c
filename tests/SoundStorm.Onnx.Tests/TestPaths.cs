namespace SoundStorm.Onnx.Tests;

/// <summary>Locations of shared reference data and scratch folders for tests.</summary>
internal static class TestPaths
{
    /// <summary>shared/reference (see <see cref="SoundStorm.Tests.Shared.ReferenceData"/>).</summary>
    public static string Reference => SoundStorm.Tests.Shared.ReferenceData.Root;

    public static string ReferenceFile(string folder, string file) => Path.Combine(Reference, folder, file);

    public static string NewTempDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "soundstorm-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
