using Microsoft.ML.OnnxRuntime;
using SoundStorm.Onnx.Sessions;
using SoundStorm.Onnx.Packages;

namespace SoundStorm.Onnx;

/// <summary>
/// A validated model package: <c>manifest.json</c> plus graph files, from a folder or a zip.
/// Dispose it to remove the folder a zip was unpacked into.
/// </summary>
public sealed class ModelPackage : IDisposable
{
    private readonly string? _temporaryDirectory;

    private ModelPackage(ModelManifest manifest, string root, string? temporaryDirectory)
    {
        Manifest = manifest;
        RootDirectory = root;
        _temporaryDirectory = temporaryDirectory;
    }

    /// <summary>The parsed, validated manifest.</summary>
    internal ModelManifest Manifest { get; }

    /// <summary>The model's name from the manifest, if it has one.</summary>
    public string? Name => Manifest.Name;

    /// <summary>
    /// Which sampler the acoustic model was trained for: <c>maskgit</c> (SoundStorm's level-wise MaskGIT) or
    /// <c>seed-diffusion</c> (discrete diffusion over all codebooks at once).
    /// </summary>
    public string ModelFamily => Manifest.ModelFamily;

    /// <summary>Audio sample rate in Hz.</summary>
    public int SampleRate => Manifest.SampleRate;

    /// <summary>Token frames per second.</summary>
    public double FrameRate => Manifest.FrameRate;

    /// <summary>Q: codebooks per frame.</summary>
    public int Codebooks => Manifest.Codebooks;

    /// <summary>V: codes per codebook.</summary>
    public int CodebookSize => Manifest.CodebookSize;

    /// <summary>K: semantic vocabulary size.</summary>
    public int SemanticVocabulary => Manifest.SemanticVocabulary;

    /// <summary>The id the acoustic model reads as an unknown token (≥ <see cref="CodebookSize"/>).</summary>
    public long MaskTokenId => Manifest.MaskTokenId;

    /// <summary>The roles of the graphs the package holds (e.g. <c>combiner</c>, <c>transformer</c>, <c>codec_decoder</c>).</summary>
    public IReadOnlyCollection<string> Graphs => Manifest.Graphs.Keys;

    /// <summary>The folder holding the package files (a temporary folder for zips).</summary>
    public string RootDirectory { get; }

    /// <summary>
    /// Loads and validates a package: format version, model family, numbers and their consistency across graphs,
    /// presence and SHA-256 of every graph file, and (when <paramref name="verifyGraphs"/>) each graph's inputs and
    /// outputs against the file itself as ONNX Runtime reads it.
    /// </summary>
    /// <param name="path">A package folder, a zip of one, or the manifest.json inside a folder.</param>
    /// <param name="verifyGraphs">Open each graph once to compare its real signature with the manifest (needs the native runtime).</param>
    /// <param name="cancellationToken">Stops unpacking a zip (between buffers); the partly unpacked folder is removed.</param>
    /// <exception cref="ModelPackageException">Anything is missing or inconsistent; the message names file, field, expected and found.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while a zip was unpacked.</exception>
    public static ModelPackage Load(string path, bool verifyGraphs = true, CancellationToken cancellationToken = default) =>
        Load(path, verifyGraphs, Path.GetTempPath(), cancellationToken);

    /// <summary><see cref="Load(string, bool, CancellationToken)"/>, unpacking a zip into a new folder under <paramref name="temporaryParent"/>.</summary>
    internal static ModelPackage Load(string path, bool verifyGraphs, string temporaryParent, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path) && !string.Equals(Path.GetFileName(path), ModelManifest.FileName, StringComparison.OrdinalIgnoreCase))
        {
            string temp = Path.Combine(temporaryParent, "soundstorm-package-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(temp);
            try
            {
                string root = ZipPackageExtractor.Extract(path, temp, cancellationToken: cancellationToken);
                return new ModelPackage(LoadFolder(root, verifyGraphs, Path.GetFileName(path) + "!"), root, temp);
            }
            catch
            {
                Directory.Delete(temp, recursive: true);
                throw;
            }
        }
        string folder = File.Exists(path) ? Path.GetDirectoryName(Path.GetFullPath(path))! : path;
        if (!Directory.Exists(folder))
            throw new ModelPackageException(path, "(package)", "a package folder or zip file", "nothing at that path");
        return new ModelPackage(LoadFolder(folder, verifyGraphs, ""), Path.GetFullPath(folder), null);
    }

    /// <summary>True if the package has a graph for the role <paramref name="graph"/> (one of <see cref="Graphs"/>'s names).</summary>
    public bool HasGraph(string graph) => Manifest.Graphs.ContainsKey(graph);

    /// <summary>The full path of a graph file.</summary>
    /// <exception cref="KeyNotFoundException">The package has no such graph.</exception>
    public string GetGraphPath(string graph) =>
        Manifest.Graphs.TryGetValue(graph, out var entry) ? PackagePaths.Resolve(RootDirectory, entry.File)!
            : throw new KeyNotFoundException($"The model package has no '{graph}' graph; it has {string.Join(", ", Manifest.Graphs.Keys)}.");

    /// <summary>
    /// Opens a graph with the given settings and checks its signature against the manifest. Where the manifest names a
    /// fused alternative (the same graph written with ONNX Runtime's <c>com.microsoft</c> operators), the CPU and CUDA providers open it unless
    /// <see cref="SessionSettings.PreferStandardGraphs"/> is set; DirectML opens the standard file.
    /// </summary>
    /// <exception cref="ExecutionProviderUnavailableException">The requested provider is missing and CPU fallback is not allowed.</exception>
    public InferenceSession CreateSession(string graph, SessionSettings? settings = null) => CreateSession(graph, settings, SessionFactory.DefaultAppender);

    internal InferenceSession CreateSession(string graph, SessionSettings? settings, SessionFactory.ProviderAppender appender)
    {
        var entry = Manifest.Graphs.TryGetValue(graph, out var e) ? e
            : throw new KeyNotFoundException($"The model package has no '{graph}' graph.");
        settings ??= new SessionSettings();
        var session = SessionFactory.Create(provider => GraphVariants.Choose(RootDirectory, entry, provider, settings), settings, graph, appender);
        try
        {
            GraphSignature.Verify(entry.File, graph, entry, session);
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_temporaryDirectory is not null && Directory.Exists(_temporaryDirectory))
            Directory.Delete(_temporaryDirectory, recursive: true);
    }

    private static ModelManifest LoadFolder(string folder, bool verifyGraphs, string labelPrefix)
    {
        string manifestPath = Path.Combine(folder, ModelManifest.FileName);
        string manifestLabel = labelPrefix + ModelManifest.FileName;
        if (!File.Exists(manifestPath))
            throw new ModelPackageException(manifestLabel, "(file)", "a manifest.json at the package root", "no such file");
        var manifest = ReadManifest(manifestPath, manifestLabel);
        foreach (var (name, entry) in manifest.Graphs)
            foreach (var (field, stored, sha256) in entry.Files())
            {
                string label = labelPrefix + stored;
                string file = GraphFile(folder, name, stored, field, manifestLabel);
                if (!File.Exists(file))
                    throw new ModelPackageException(label, $"graphs.{name}.{field}file", "the graph file to exist", "no such file");
                PackageHashes.Verify(file, $"{name}.{field}".TrimEnd('.'), sha256, label);
                if (verifyGraphs)
                {
                    using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
                    InferenceSession session;
                    try
                    {
                        session = new InferenceSession(file, options);
                    }
                    catch (OnnxRuntimeException e)
                    {
                        throw new ModelPackageException(label, $"graphs.{name}.{field}file", "an ONNX model ONNX Runtime can load", e.Message, e);
                    }
                    using (session) GraphSignature.Verify(label, name, entry, session);
                }
            }
        return manifest;
    }

    /// <summary>Parses and validates a manifest file; <paramref name="label"/> names it in errors.</summary>
    internal static ModelManifest ReadManifest(string manifestPath, string label)
    {
        ModelManifest manifest;
        try
        {
            manifest = ModelManifest.FromJson(File.ReadAllText(manifestPath));
        }
        catch (JsonException e)
        {
            throw new ModelPackageException(label, e.Path is { Length: > 0 } p ? p : "(json)", "valid manifest JSON", e.Message, e);
        }
        ManifestValidator.Validate(manifest);
        return manifest;
    }

    /// <summary>The full path of graph <paramref name="name"/>'s file under <paramref name="folder"/>; refuses a path that leaves it.</summary>
    internal static string GraphFile(string folder, string name, GraphEntry entry, string manifestLabel) =>
        GraphFile(folder, name, entry.File, "", manifestLabel);

    /// <summary>
    /// The full path of <paramref name="stored"/> (graph <paramref name="name"/>'s file, or its variant when
    /// <paramref name="field"/> is <c>fused.</c>) under <paramref name="folder"/>; refuses a path that leaves it.
    /// </summary>
    internal static string GraphFile(string folder, string name, string stored, string field, string manifestLabel) =>
        PackagePaths.Resolve(folder, stored)
        ?? throw new ModelPackageException(manifestLabel, $"graphs.{name}.{field}file", "a relative path inside the package", $"\"{stored}\"");
}
