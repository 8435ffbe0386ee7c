using SoundStorm.Export.Onnx;
using SoundStorm.Export.Packaging;

namespace SoundStorm.Cli;

/// <summary>
/// Copies of fragment folders with each graph passed through a conversion (float16 weight storage, int8
/// quantisation), for <c>pack --float16-weights</c> and <c>pack --int8</c>.
/// </summary>
internal sealed class ConvertedFragments : IDisposable
{
    private readonly string _staging = Path.Combine(Path.GetTempPath(), "soundstorm-pack-" + Guid.NewGuid().ToString("N"));

    /// <summary>Converts every graph of <paramref name="folders"/>; <see cref="Folders"/> lists the converted copies in the same order.</summary>
    /// <param name="folders">Fragment (or package) folders.</param>
    /// <param name="convert">The conversion, given the graph's role; returning the model unchanged copies the file as it is.</param>
    public ConvertedFragments(IReadOnlyList<string> folders, Func<string, OnnxModel, OnnxModel> convert)
    {
        var copies = new List<string>();
        try
        {
            for (int i = 0; i < folders.Count; i++)
            {
                string copy = Path.Combine(_staging, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Directory.CreateDirectory(copy);
                var fragment = PackageFragment.Read(folders[i]);
                foreach (var (role, file) in fragment.Graphs)
                    Convert(fragment.GraphPath(folders[i], role), Path.Combine(copy, file), model => convert(role, model));
                foreach (var (role, file) in fragment.Fused ?? [])
                    Convert(fragment.FusedGraphPath(folders[i], role)!, Path.Combine(copy, file), model => convert(role, model));
                fragment.Write(copy);
                copies.Add(copy);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
        Folders = copies;
    }

    /// <summary>The converted fragment folders.</summary>
    public IReadOnlyList<string> Folders { get; }

    /// <summary>
    /// Writes <paramref name="convert"/>'s result for the graph <paramref name="source"/> to <paramref name="destination"/>
    /// (which may be the same file); an unchanged model is copied byte for byte with its external data, since a model
    /// loaded from disk still points at its source's data file.
    /// </summary>
    public static void Convert(string source, string destination, Func<OnnxModel, OnnxModel> convert)
    {
        var model = OnnxModel.Load(source);
        var converted = convert(model);
        if (!ReferenceEquals(converted, model))
        {
            converted.Save(destination);
            return;
        }
        if (Path.GetFullPath(source) == Path.GetFullPath(destination)) return;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);
        File.Copy(source, destination, overwrite: true);
        if (File.Exists(source + ".data")) File.Copy(source + ".data", destination + ".data", overwrite: true);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Directory.Exists(_staging)) Directory.Delete(_staging, recursive: true);
    }
}
