namespace SoundStorm.Export.Tests.Checkpoints;

/// <summary>Paths inside the reference data (see <see cref="SoundStorm.Tests.Shared.ReferenceData"/>).</summary>
internal static class ReferencePaths
{
    internal static string Get(params string[] parts) => Path.Combine([SoundStorm.Tests.Shared.ReferenceData.Folder(""), .. parts]);
}
