using SoundStorm.Export.Onnx;
using SoundStorm.Onnx.Packages;

namespace SoundStorm.Cli;

/// <summary>Copies of fragment folders whose graphs store their weights as float16 (<see cref="Float16Weights"/>), for <c>pack --float16-weights</c>.</summary>
internal sealed class Float16Fragments : IDisposable
{
    private readonly string _staging = Path.Combine(Path.GetTempPath(), "soundstorm-pack-" + Guid.NewGuid().ToString("N"));

    /// <summary>Converts every graph of <paramref name="folders"/>; <see cref="Folders"/> lists the converted copies in the same order.</summary>
    public Float16Fragments(IReadOnlyList<string> folders)
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
                    Float16Weights.Convert(OnnxModel.Load(fragment.GraphPath(folders[i], role))).Save(Path.Combine(copy, file));
                foreach (var (role, file) in fragment.Fused ?? [])
                    Float16Weights.Convert(OnnxModel.Load(fragment.FusedGraphPath(folders[i], role)!)).Save(Path.Combine(copy, file));
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

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Directory.Exists(_staging)) Directory.Delete(_staging, recursive: true);
    }
}
