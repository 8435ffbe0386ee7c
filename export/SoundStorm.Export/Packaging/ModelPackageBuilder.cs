using System.IO.Compression;
using SoundStorm.Export.Onnx.Quantization;

namespace SoundStorm.Export.Packaging;

/// <summary>
/// Writes model packages (used by the exporter and the trainer): copies the graph files, computes their SHA-256,
/// reads their signatures from the files when not given, validates the result and writes <c>manifest.json</c>.
/// </summary>
public sealed class ModelPackageBuilder
{
    private readonly ModelManifest _manifest;
    private readonly List<(string Role, string Source, string[] Companions)> _graphs = [];
    private readonly Dictionary<string, (string Source, string[] Companions)> _fused = [];

    /// <summary>Starts a package with the model-wide numbers of <paramref name="manifest"/> (its graphs are replaced by <see cref="AddGraph"/>).</summary>
    public ModelPackageBuilder(ModelManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        _manifest = new ModelManifest
        {
            FormatVersion = manifest.FormatVersion,
            Name = manifest.Name,
            ModelFamily = manifest.ModelFamily,
            SampleRate = manifest.SampleRate,
            FrameRate = manifest.FrameRate,
            Codebooks = manifest.Codebooks,
            CodebookSize = manifest.CodebookSize,
            SemanticVocabulary = manifest.SemanticVocabulary,
            MaskTokenId = manifest.MaskTokenId,
            MaxGeneratedFrames = manifest.MaxGeneratedFrames,
            MaxPromptFrames = manifest.MaxPromptFrames,
            CodecContextFrames = manifest.CodecContextFrames,
        };
    }

    /// <summary>Adds a graph. Its inputs and outputs are read from the file unless given.</summary>
    /// <param name="role">One of <see cref="GraphNames"/>.</param>
    /// <param name="onnxFile">The graph file; it is stored as <c>{role}.onnx</c>.</param>
    /// <param name="inputs">Declared inputs, or null to read them from the file.</param>
    /// <param name="outputs">Declared outputs, or null to read them from the file.</param>
    /// <param name="companionFiles">Files copied next to the graph under their own names (external weight data).</param>
    public ModelPackageBuilder AddGraph(string role, string onnxFile, IEnumerable<TensorSpec>? inputs = null,
        IEnumerable<TensorSpec>? outputs = null, params string[] companionFiles)
    {
        ArgumentException.ThrowIfNullOrEmpty(role);
        if (!GraphNames.All.Contains(role))
            throw new ArgumentException($"Unknown graph role '{role}'; use one of {string.Join(", ", GraphNames.All)}.", nameof(role));
        if (!File.Exists(onnxFile)) throw new FileNotFoundException($"Graph file for '{role}' not found.", onnxFile);
        var entry = GraphEntry.Describe(onnxFile, role + ".onnx", inputs, outputs);
        entry.Quantization = Int8MatMuls.SchemeOf(onnxFile);
        _manifest.Graphs[role] = entry;
        _graphs.RemoveAll(g => g.Role == role);
        _graphs.Add((role, onnxFile, companionFiles));
        _fused.Remove(role);
        return this;
    }

    /// <summary>
    /// Adds the fused alternative of a graph added before (<see cref="GraphEntry.Fused"/>: the same inputs and outputs,
    /// written with ONNX Runtime's contrib operators), stored as <c>{role}.fused.onnx</c>.
    /// </summary>
    /// <param name="role">The role of a graph already added.</param>
    /// <param name="onnxFile">The fused graph file.</param>
    /// <param name="companionFiles">Files copied next to it under their own names (external weight data).</param>
    public ModelPackageBuilder AddFusedVariant(string role, string onnxFile, params string[] companionFiles)
    {
        ArgumentException.ThrowIfNullOrEmpty(role);
        if (!_manifest.Graphs.TryGetValue(role, out var entry))
            throw new InvalidOperationException($"Add the '{role}' graph before its fused variant.");
        if (!File.Exists(onnxFile)) throw new FileNotFoundException($"Fused graph file for '{role}' not found.", onnxFile);
        string stored = role + ".fused.onnx";
        // Same inputs and outputs as the standard graph: only the checksum is new (the loader checks the signature).
        entry.Fused = new GraphVariant { File = stored, Sha256 = GraphEntry.Describe(onnxFile, stored, [], []).Sha256 };
        _fused[role] = (onnxFile, companionFiles);
        return this;
    }

    /// <summary>Writes the package into <paramref name="folder"/> (created if needed) and returns its manifest.</summary>
    /// <exception cref="ModelPackageException">The manifest would not pass <see cref="ModelPackage.Load(string, bool, CancellationToken)"/>'s checks.</exception>
    public ModelManifest WriteFolder(string folder)
    {
        // Validate first, then write into a staging folder beside the target and move the files in: a failure
        // leaves no half-written package behind.
        _manifest.Validate();
        string full = Path.GetFullPath(folder);
        string staging = full.TrimEnd(Path.DirectorySeparatorChar) + ".staging-" + Guid.NewGuid().ToString("N");
        try
        {
            Directory.CreateDirectory(staging);
            var copies = _graphs.Select(g => (Source: g.Source, Stored: _manifest.Graphs[g.Role].File, g.Companions))
                .Concat(_fused.Select(f => (f.Value.Source, Stored: _manifest.Graphs[f.Key].Fused!.File, f.Value.Companions)));
            foreach (var (source, stored, companions) in copies)
            {
                File.Copy(source, Path.Combine(staging, stored));
                foreach (string companion in companions)
                    File.Copy(companion, Path.Combine(staging, Path.GetFileName(companion)), overwrite: true);
            }
            File.WriteAllText(Path.Combine(staging, ModelManifest.FileName), _manifest.ToJson());
            if (!Directory.Exists(full))
            {
                Directory.Move(staging, full);
            }
            else
            {
                // An existing folder keeps its other files; the manifest moves last so it never names missing graphs.
                foreach (string file in Directory.GetFiles(staging).Where(f => Path.GetFileName(f) != ModelManifest.FileName))
                    File.Move(file, Path.Combine(full, Path.GetFileName(file)), overwrite: true);
                File.Move(Path.Combine(staging, ModelManifest.FileName), Path.Combine(full, ModelManifest.FileName), overwrite: true);
            }
            return _manifest;
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>Writes the package as a zip with the files at its root.</summary>
    public ModelManifest WriteZip(string zipPath)
    {
        string staging = Path.Combine(Path.GetTempPath(), "soundstorm-build-" + Guid.NewGuid().ToString("N"));
        try
        {
            var manifest = WriteFolder(staging);
            string temp = zipPath + ".tmp-" + Guid.NewGuid().ToString("N");
            try
            {
                ZipFile.CreateFromDirectory(staging, temp, CompressionLevel.Optimal, includeBaseDirectory: false);
                File.Move(temp, zipPath, overwrite: true);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
            return manifest;
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }
}
