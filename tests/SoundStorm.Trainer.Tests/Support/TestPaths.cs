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

    /// <summary>shared/reference/soundstorm-s2, beside the repository (or inside it).</summary>
    public static string SeedReference => Reference("soundstorm-s2");

    /// <summary>shared/reference/<paramref name="folder"/>, beside the repository (or inside it).</summary>
    public static string Reference(string folder)
    {
        foreach (string shared in new[] { Path.Combine(RepositoryRoot, "..", "shared"), Path.Combine(RepositoryRoot, "shared") })
        {
            string dir = Path.GetFullPath(Path.Combine(shared, "reference", folder));
            if (Directory.Exists(dir)) return dir;
        }
        throw new DirectoryNotFoundException($"shared/reference/{folder} not found beside or inside {RepositoryRoot}");
    }

    /// <summary>A file of shared/reference/<paramref name="folder"/>.</summary>
    public static string ReferenceFile(string folder, string name) => Path.Combine(Reference(folder), name);

    public static string SeedFile(string name) => Path.Combine(SeedReference, name);
}
