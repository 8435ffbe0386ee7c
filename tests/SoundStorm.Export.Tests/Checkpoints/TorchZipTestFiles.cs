using System.IO.Compression;

namespace SoundStorm.Export.Tests.Checkpoints;

/// <summary>Rebuilds torch zip checkpoints with System.IO.Compression to vary the archive around the same records.</summary>
internal static class TorchZipTestFiles
{
    internal static byte[] ReadRecord(string zipPath, string name)
    {
        using ZipArchive zip = ZipFile.OpenRead(zipPath);
        using Stream stream = zip.GetEntry(name)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Copies every record of <paramref name="source"/> into a new zip, renaming the top folder and replacing one record.</summary>
    internal static void Rewrite(string source, string target, string? replaceName = null, byte[]? replacement = null,
        string? newFolder = null, CompressionLevel level = CompressionLevel.NoCompression)
    {
        using ZipArchive input = ZipFile.OpenRead(source);
        using var output = new ZipArchive(File.Create(target), ZipArchiveMode.Create);
        foreach (ZipArchiveEntry entry in input.Entries)
        {
            string name = newFolder is null ? entry.FullName : newFolder + entry.FullName[entry.FullName.IndexOf('/')..];
            using Stream to = output.CreateEntry(name, level).Open();
            if (entry.FullName == replaceName) to.Write(replacement);
            else
            {
                using Stream from = entry.Open();
                from.CopyTo(to);
            }
        }
    }
}
