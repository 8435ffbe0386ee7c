namespace SoundStorm.Cli.Tests;

/// <summary>
/// A loaded package's manifest.json read through the writer's schema: the per-graph details (files, quantisation, fused
/// variants) the runtime validates but keeps internal.
/// </summary>
internal static class WrittenManifest
{
    public static ModelManifest Of(ModelPackage package) =>
        ModelManifest.FromJson(File.ReadAllText(Path.Combine(package.RootDirectory, ModelManifest.FileName)));
}
