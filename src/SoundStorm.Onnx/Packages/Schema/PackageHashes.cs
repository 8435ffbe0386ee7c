using System.Security.Cryptography;

#if PACKAGE_WRITER
namespace SoundStorm.Export.Packaging;
#else
namespace SoundStorm.Onnx.Packages;
#endif

/// <summary>The SHA-256 of a package's graph files: written by the package writer, checked by the reader.</summary>
internal static class PackageHashes
{
    /// <summary>Lower-case hex SHA-256 of a file.</summary>
    public static string Compute(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Refuses a file whose SHA-256 is not <paramref name="expected"/> (the manifest's <c>graphs.{name}.sha256</c>); <paramref name="label"/> names it in the error (default: its path).</summary>
    public static void Verify(string file, string name, string? expected, string? label = null)
    {
        string actual = Compute(file);
        if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            throw new ModelPackageException(label ?? file, $"graphs.{name}.sha256", expected?.ToLowerInvariant() ?? "a SHA-256", $"{actual} (the file was changed or damaged)");
    }
}
