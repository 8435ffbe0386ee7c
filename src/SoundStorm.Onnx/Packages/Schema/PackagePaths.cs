#if PACKAGE_WRITER
namespace SoundStorm.Export.Packaging;
#else
namespace SoundStorm.Onnx.Packages;
#endif

/// <summary>Resolves names inside a package root, refusing any that would point outside it.</summary>
internal static class PackagePaths
{
    /// <summary>The full path of <paramref name="relative"/> under <paramref name="root"/>, or null if it escapes the root.</summary>
    public static string? Resolve(string root, string relative)
    {
        if (string.IsNullOrEmpty(relative) || Path.IsPathRooted(relative) || relative.Contains('\0')) return null;
        string fullRoot = Path.GetFullPath(root);
        if (!Path.EndsInDirectorySeparator(fullRoot)) fullRoot += Path.DirectorySeparatorChar;
        string full = Path.GetFullPath(Path.Combine(fullRoot, relative.Replace('\\', '/')));
        return full.StartsWith(fullRoot, StringComparison.Ordinal) ? full : null;
    }
}
