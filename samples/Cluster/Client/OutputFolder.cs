using SoundStorm.Onnx;

namespace Cluster;

/// <summary>
/// Where results land: each output is written to a hidden temporary file in the same folder, flushed to disk and then
/// renamed to its name, so an output that exists is complete. A run that is stopped (Ctrl+C, a crash, a kill) leaves
/// only complete outputs and temporary files, which the next run deletes before it starts; files already written are
/// skipped, so the next run resumes where this one stopped.
/// </summary>
public sealed class OutputFolder
{
    private const string TemporaryPrefix = ".partial-";

    /// <summary>Creates the folder if needed and deletes temporary files left by a run that was stopped.</summary>
    public OutputFolder(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(Path);
        foreach (string stale in Directory.EnumerateFiles(Path, TemporaryPrefix + "*")) File.Delete(stale);
    }

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>The output of the input file <paramref name="input"/>: the same file name in this folder.</summary>
    public string OutputOf(string input) => System.IO.Path.Combine(Path, System.IO.Path.GetFileName(input));

    /// <summary>True when <paramref name="input"/>'s output is already there (and so complete).</summary>
    public bool HasOutputOf(string input) => File.Exists(OutputOf(input));

    /// <summary>Writes <paramref name="input"/>'s output atomically; false when it was already there (nothing is changed).</summary>
    public bool Write(string input, AudioClip clip)
    {
        string target = OutputOf(input);
        // Hidden, and not ending in .wav, so that nothing mistakes it for an output.
        string temporary = System.IO.Path.Combine(Path, $"{TemporaryPrefix}{Guid.NewGuid():N}-{System.IO.Path.GetFileName(input)}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                clip.WriteWav(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(target))
        {
            return false; // another run wrote it first: its file is complete, keep it
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
