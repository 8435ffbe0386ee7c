using System.Reflection;

namespace SoundStorm.Trainer.Tests.Support;

/// <summary>Where the repository, the shared reference data and the NuGet cache are (baked in at build time).</summary>
internal static class TestPaths
{
    private static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
        ?? throw new InvalidOperationException($"assembly metadata {key} missing");

    public static string RepositoryRoot => Metadata("RepositoryRoot");

    public static string NuGetPackageRoot => Metadata("NuGetPackageRoot");

    /// <summary>The seed implementation's reference folder (see <see cref="SoundStorm.Tests.Shared.ReferenceData"/>).</summary>
    public static string SeedReference => Reference("soundstorm-s2");

    /// <summary>One folder of the reference data.</summary>
    public static string Reference(string folder) => SoundStorm.Tests.Shared.ReferenceData.Folder(folder);

    /// <summary>A file of one folder of the reference data.</summary>
    public static string ReferenceFile(string folder, string name) => Path.Combine(Reference(folder), name);

    public static string SeedFile(string name) => Path.Combine(SeedReference, name);
}
