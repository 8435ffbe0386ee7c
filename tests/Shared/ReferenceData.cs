namespace SoundStorm.Tests.Shared;

/// <summary>Where the reference data made by the original PyTorch code lives (shared/reference beside the checkout).</summary>
public static class ReferenceData
{
    /// <summary>shared/reference, found by walking up from the test binary; /work/shared/reference when none is found.</summary>
    public static string Root { get; } = Find();

    /// <summary>A file of one reference folder, e.g. <c>File("hubert", "model.pth")</c>.</summary>
    public static string File(string folder, string file) => Path.Combine(Root, folder, file);

    private static string Find()
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
