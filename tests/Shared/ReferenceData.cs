namespace SoundStorm.Tests.Shared;

/// <summary>
/// The reference data made by running the original PyTorch code (checkpoints and the inputs and outputs they give):
/// the folder named by <c>SOUNDSTORM_REFERENCE_DATA</c>, else <c>../shared/reference</c> beside the checkout. It is not
/// part of the repository; tests that need it are marked <see cref="ReferenceFactAttribute"/> /
/// <see cref="ReferenceTheoryAttribute"/> and are skipped, with <see cref="MissingReason"/>, when it is absent.
/// </summary>
public static class ReferenceData
{
    /// <summary>The environment variable that names the reference folder (overrides the folder beside the checkout).</summary>
    public const string EnvironmentVariable = "SOUNDSTORM_REFERENCE_DATA";

    /// <summary>The reference folder, or null when there is none.</summary>
    public static string? Root { get; } = Find();

    /// <summary>True when the reference folder exists.</summary>
    public static bool IsAvailable => Root is not null;

    /// <summary>Why tests that need the reference data are skipped.</summary>
    public static string MissingReason { get; } =
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } named
            ? $"needs the reference data; {EnvironmentVariable} names '{named}', which is not a folder"
            : $"needs the reference data (../shared/reference beside the checkout, or a folder named by {EnvironmentVariable}), which is absent";

    /// <summary>A file of one reference folder, e.g. <c>File("hubert", "model.pth")</c>.</summary>
    /// <exception cref="DirectoryNotFoundException">There is no reference folder (a test that needs it is not marked as such).</exception>
    public static string File(string folder, string file) => Path.Combine(Folder(folder), file);

    /// <summary>One reference folder, e.g. <c>Folder("soundstorm-s2")</c>.</summary>
    /// <exception cref="DirectoryNotFoundException">There is no reference folder.</exception>
    public static string Folder(string folder) => Path.Combine(Root ?? throw new DirectoryNotFoundException($"This test {MissingReason}."), folder);

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } named)
            return Directory.Exists(named) ? Path.GetFullPath(named) : null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "SoundStorm.Onnx.sln")))
            {
                string beside = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "reference"));
                return Directory.Exists(beside) ? beside : null;
            }
        return null;
    }
}
