using SoundStorm.Export.Packaging;

namespace SoundStorm.Benchmarks.Models;

/// <summary>The benchmark models' package folders, written once per model shape and exporter build and then reused.</summary>
internal static class PackageCache
{
    /// <summary>
    /// The package folder of model <paramref name="name"/> under <paramref name="cacheRoot"/>; when absent,
    /// <paramref name="write"/>(graphs folder, package folder) writes it, its graphs going to a scratch folder first.
    /// Keyed by the shape and by the build of <paramref name="exporter"/>'s assembly, so a changed graph writer never
    /// reuses stale graphs.
    /// </summary>
    public static string Ensure(string cacheRoot, string name, object config, Type exporter, Action<string, string> write)
    {
        var build = exporter.Assembly.ManifestModule.ModuleVersionId;
        string folder = Path.Combine(cacheRoot, $"{name}-{config.GetHashCode():x8}-{build:N}"[..(name.Length + 18)]);
        if (File.Exists(Path.Combine(folder, ModelManifest.FileName))) return folder;
        string graphs = folder + ".graphs";
        Directory.CreateDirectory(graphs);
        write(graphs, folder);
        Directory.Delete(graphs, recursive: true);
        return folder;
    }
}
