using System.IO.Compression;

namespace SoundStorm.Onnx.Packages;

/// <summary>
/// Unpacks a zipped package into a folder safely: no entry may land outside the folder, and entry count and total
/// size are capped by counting the bytes actually written (not trusting the sizes the zip claims).
/// </summary>
internal static class ZipPackageExtractor
{
    public const int MaxEntries = 10_000;
    public const long MaxTotalBytes = 64L << 30; // 64 GiB: larger than any model we ship, smaller than a zip bomb's hope

    public static void Extract(string zipPath, string target, long maxTotalBytes = MaxTotalBytes)
    {
        string label = Path.GetFileName(zipPath);
        try
        {
            using var archive = ZipFile.OpenRead(zipPath);
            if (archive.Entries.Count > MaxEntries)
                throw new ModelPackageException(label, "(zip entries)", $"at most {MaxEntries}", archive.Entries.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            // Entries of an honest zip occupy disjoint bytes; more compressed bytes than the file holds means entries
            // overlap (a zip bomb that reuses one compressed block for many files).
            long compressed = 0;
            foreach (var entry in archive.Entries) compressed += entry.CompressedLength;
            long zipLength = new FileInfo(zipPath).Length;
            if (compressed > zipLength)
                throw new ModelPackageException(label, "(zip entries)", $"entries within the {zipLength}-byte file", $"{compressed} compressed bytes (entries overlap)");
            long written = 0;
            var buffer = new byte[81920];
            foreach (var entry in archive.Entries)
            {
                string? destination = PackagePaths.Resolve(target, entry.FullName);
                if (destination is null)
                    throw new ModelPackageException(label, $"zip entry '{entry.FullName}'", "a relative path inside the package", "a path that escapes the extraction folder");
                if (entry.FullName.EndsWith('/'))
                {
                    Directory.CreateDirectory(destination);
                    continue;
                }
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                using var input = entry.Open();
                using var output = File.Create(destination);
                int n;
                while ((n = input.Read(buffer, 0, buffer.Length)) > 0)
                {
                    written += n;
                    if (written > maxTotalBytes)
                        throw new ModelPackageException(label, "(zip size)", $"at most {maxTotalBytes} bytes unpacked", "more");
                    output.Write(buffer, 0, n);
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw new ModelPackageException(label, "(zip)", "a readable zip archive", $"corrupt data ({e.Message})", e);
        }
    }
}
