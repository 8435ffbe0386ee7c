using System.IO.Compression;

namespace SoundStorm.Onnx.Packages;

/// <summary>
/// Unpacks a zipped package manifest first: the manifest is read and validated, then only the graphs it names (each
/// with its external weight data, <c>&lt;graph file&gt;.data</c>, when the zip has one) are unpacked. No entry may land
/// outside the folder; every unpacked entry must inflate to exactly its declared size, within a sane compression ratio;
/// the total is capped by counting the bytes actually written.
/// </summary>
internal static class ZipPackageExtractor
{
    public const int MaxEntries = 10_000;
    public const long MaxTotalBytes = 64L << 30; // 64 GiB: larger than any model we ship, smaller than a zip bomb's hope

    /// <summary>Most uncompressed bytes per compressed byte an unpacked entry may have (beyond <see cref="RatioFreeBytes"/>).</summary>
    /// <remarks>Graph weights are close to random and compress by a few percent; deflate's own limit is 1032:1, a bomb's ratio.</remarks>
    public const int MaxCompressionRatio = 100;

    /// <summary>Entries up to this size are exempt from the ratio (a tiny graph of zeros may compress very well).</summary>
    public const long RatioFreeBytes = 1 << 20;

    /// <summary>Largest manifest accepted: a real one is a few kilobytes.</summary>
    public const long MaxManifestBytes = 1 << 20;

    /// <summary>Unpacks the package in <paramref name="zipPath"/> into <paramref name="target"/>; returns the package root
    /// (<paramref name="target"/>, or the one top-level folder the zip keeps the package in).</summary>
    /// <exception cref="ModelPackageException">The zip or its manifest is unsafe or invalid; the message names the entry.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (checked between buffers).</exception>
    public static string Extract(string zipPath, string target, long maxTotalBytes = MaxTotalBytes, CancellationToken cancellationToken = default)
    {
        string label = Path.GetFileName(zipPath);
        try
        {
            using var archive = ZipFile.OpenRead(zipPath);
            var entries = CheckedEntries(archive, zipPath, target, label);
            var (manifestEntry, root) = FindManifest(entries, target, label);
            if (manifestEntry.Length > MaxManifestBytes)
                throw new ModelPackageException(label, $"zip entry '{manifestEntry.FullName}'", $"a manifest of at most {MaxManifestBytes} bytes", $"{manifestEntry.Length} bytes");
            long written = 0;
            string manifestPath = Path.Combine(root, ModelManifest.FileName);
            Unpack(manifestEntry, manifestPath, label, MaxManifestBytes, ref written, cancellationToken);
            var manifest = ModelPackage.ReadManifest(manifestPath, label + "!" + ModelManifest.FileName);
            foreach (var (name, graph) in manifest.Graphs)
            {
                foreach (var (field, stored, _) in graph.Files())
                {
                    string file = ModelPackage.GraphFile(root, name, stored, field, label + "!" + ModelManifest.FileName);
                    // A graph missing from the zip is reported by the folder check that follows, with the manifest field.
                    foreach (string path in new[] { file, file + ".data" })
                        if (entries.TryGetValue(path, out var entry)) Unpack(entry, path, label, maxTotalBytes, ref written, cancellationToken);
                }
            }
            return root;
        }
        catch (InvalidDataException e)
        {
            throw new ModelPackageException(label, "(zip)", "a readable zip archive", $"corrupt data ({e.Message})", e);
        }
    }

    /// <summary>The archive's file entries by the path each would be unpacked to, after the archive-wide checks.</summary>
    private static Dictionary<string, ZipArchiveEntry> CheckedEntries(ZipArchive archive, string zipPath, string target, string label)
    {
        if (archive.Entries.Count > MaxEntries)
            throw new ModelPackageException(label, "(zip entries)", $"at most {MaxEntries}", archive.Entries.Count.ToString(CultureInfo.InvariantCulture));
        // Entries of an honest zip occupy disjoint bytes; more compressed bytes than the file holds means entries
        // overlap (a zip bomb that reuses one compressed block for many files).
        long compressed = 0;
        foreach (var entry in archive.Entries) compressed += entry.CompressedLength;
        long zipLength = new FileInfo(zipPath).Length;
        if (compressed > zipLength)
            throw new ModelPackageException(label, "(zip entries)", $"entries within the {zipLength}-byte file", $"{compressed} compressed bytes (entries overlap)");
        var byPath = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        foreach (var entry in archive.Entries)
        {
            // A name that climbs out of the folder marks the zip as hostile, whether or not the manifest names it.
            string destination = PackagePaths.Resolve(target, entry.FullName)
                ?? throw new ModelPackageException(label, $"zip entry '{entry.FullName}'", "a relative path inside the package", "a path that escapes the extraction folder");
            if (!entry.FullName.EndsWith('/')) byPath.TryAdd(destination, entry);
        }
        return byPath;
    }

    /// <summary>The manifest entry at the zip's root, or else inside its one top-level folder, and the package root it fixes.</summary>
    private static (ZipArchiveEntry Entry, string Root) FindManifest(Dictionary<string, ZipArchiveEntry> entries, string target, string label)
    {
        string atRoot = Path.Combine(Path.GetFullPath(target), ModelManifest.FileName);
        if (entries.TryGetValue(atRoot, out var entry)) return (entry, Path.GetDirectoryName(atRoot)!);
        var inFolder = entries.Where(e => Path.GetFileName(e.Key) == ModelManifest.FileName
            && Path.GetDirectoryName(Path.GetDirectoryName(e.Key)) == Path.GetDirectoryName(atRoot)).ToList();
        if (inFolder is [var single]) return (single.Value, Path.GetDirectoryName(single.Key)!);
        throw new ModelPackageException(label + "!" + ModelManifest.FileName, "(file)", "a manifest.json at the package root or inside one top-level folder",
            inFolder.Count == 0 ? "no such file" : $"{inFolder.Count} top-level folders with one");
    }

    /// <summary>Unpacks one entry, refusing it before any byte is written if its declared size is beyond a sane ratio, and
    /// stopping it at that size (its CRC then tells whether it had more); a refused entry's partial file is removed.</summary>
    private static void Unpack(ZipArchiveEntry entry, string destination, string label, long maxTotalBytes, ref long written, CancellationToken cancellationToken)
    {
        string field = $"zip entry '{entry.FullName}'";
        if (entry.Length > Math.Max(RatioFreeBytes, entry.CompressedLength * MaxCompressionRatio))
            throw new ModelPackageException(label, field, $"at most {MaxCompressionRatio}:1 compression beyond {RatioFreeBytes} bytes",
                $"{entry.Length} bytes from {entry.CompressedLength} compressed");
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        try
        {
            using var input = entry.Open();
            using var output = File.Create(destination);
            var buffer = new byte[81920];
            long size = 0;
            uint crc = ZipCrc32.Initial;
            int n;
            // One byte past the declared size is enough to know the entry lies.
            while ((n = input.Read(buffer, 0, (int)Math.Min(buffer.Length, entry.Length - size + 1))) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                size += n;
                written += n;
                if (size > entry.Length)
                    throw new ModelPackageException(label, field, $"{entry.Length} bytes, as its header declares", "more (it inflates past its declared size)");
                if (written > maxTotalBytes)
                    throw new ModelPackageException(label, "(zip size)", $"at most {maxTotalBytes} bytes unpacked", "more");
                output.Write(buffer, 0, n);
                crc = ZipCrc32.Update(crc, buffer.AsSpan(0, n));
            }
            if (size < entry.Length)
                throw new ModelPackageException(label, field, $"{entry.Length} bytes, as its header declares", $"{size} (the entry is truncated)");
            if (ZipCrc32.Finish(crc) != entry.Crc32)
                throw new ModelPackageException(label, field, $"{entry.Length} bytes with CRC-32 {entry.Crc32:x8}, as its header declares",
                    $"CRC-32 {ZipCrc32.Finish(crc):x8} (the entry inflates past its declared size, or is damaged)");
        }
        catch (Exception e)
        {
            File.Delete(destination);
            if (e is InvalidDataException)
                throw new ModelPackageException(label, field, "a readable zip entry", $"corrupt data ({e.Message})", e);
            throw;
        }
    }
}
