namespace SoundStorm.Export.Tests.Checkpoints;

/// <summary>Locates /work/shared/reference (../shared from the repository root) by walking up from the test binaries.</summary>
internal static class ReferencePaths
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "..", "shared", "reference");
            if (Directory.Exists(Path.Combine(candidate, "torch-pickle"))) return Path.GetFullPath(candidate);
        }

        throw new DirectoryNotFoundException("shared/reference not found above " + AppContext.BaseDirectory);
    });

    internal static string Get(params string[] parts) => Path.Combine([Root.Value, .. parts]);
}
