using Microsoft.ML.OnnxRuntime;
using SoundStorm.Onnx.Packages;
using SoundStorm.Onnx.Sessions;

namespace SoundStorm.Onnx.Semantic;

/// <summary>
/// The package's <c>semantic</c> graph (HuBERT features quantised by k-means inside the graph): waveform float
/// [batch, samples] at the package's sample rate → token ids int64 [batch, frames], frames = ⌊(samples − 400) / 320⌋ + 1
/// at 16 kHz. Thread-safe; dispose to release.
/// </summary>
public sealed class SemanticTokenizer : IDisposable
{
    private const int ReceptiveField = 400, Stride = 320; // HuBERT's convolutional feature extractor at 16 kHz
    private readonly InferenceSession _session;
    private readonly UsageGuard _guard = new(nameof(SemanticTokenizer));

    /// <summary>Opens the package's semantic graph.</summary>
    /// <exception cref="ModelPackageException">The package has no semantic graph.</exception>
    public SemanticTokenizer(ModelPackage package, SessionSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(package);
        if (!package.HasGraph(GraphNames.Semantic))
            throw new ModelPackageException(ModelManifest.FileName, $"graphs.{GraphNames.Semantic}",
                "a 'semantic' graph (tokenizing audio needs one; or supply semantic tokens directly)", "no such entry");
        _session = package.CreateSession(GraphNames.Semantic, settings ?? new SessionSettings());
        SampleRate = package.Manifest.SampleRate;
        Vocabulary = package.Manifest.SemanticVocabulary;
    }

    private SemanticTokenizer(string folder, PackageFragment fragment, SessionSettings settings)
    {
        SampleRate = (int)FragmentGraphs.Positive(folder, "sampleRate", fragment.SampleRate);
        Vocabulary = (int)FragmentGraphs.Positive(folder, "semanticVocabulary", fragment.SemanticVocabulary);
        _session = FragmentGraphs.Open(folder, fragment, GraphNames.Semantic, settings,
            [new("waveform", "float", 2)], [new("tokens", "int64", 2)]);
    }

    /// <summary>
    /// Opens the semantic graph of an importer's fragment folder (<c>fragment.json</c> with sampleRate and
    /// semanticVocabulary, as <c>soundstorm import hubert</c> writes it), without a full model package. The graph is
    /// checked against the graph contract (names, element types, ranks).
    /// </summary>
    /// <exception cref="ModelPackageException">The fragment lacks a number or the semantic graph, or the graph breaks the contract.</exception>
    public static SemanticTokenizer FromFragment(string folder, SessionSettings? settings = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        return new SemanticTokenizer(folder, PackageFragment.Read(folder), settings ?? new SessionSettings());
    }

    /// <summary>The sample rate the graph expects.</summary>
    public int SampleRate { get; }

    /// <summary>Token ids are 0..Vocabulary−1.</summary>
    public int Vocabulary { get; }

    /// <summary>Number of token frames for <paramref name="samples"/> samples (0 below one receptive field).</summary>
    public static int FrameCount(int samples) => samples < ReceptiveField ? 0 : (samples - ReceptiveField) / Stride + 1;

    /// <summary>Semantic tokens of a mono waveform at <see cref="SampleRate"/>.</summary>
    /// <exception cref="ArgumentException">The waveform is shorter than 400 samples or holds non-finite samples.</exception>
    public long[] Tokenize(ReadOnlySpan<float> waveform, CancellationToken cancellationToken = default)
    {
        int frames = FrameCount(waveform.Length);
        if (frames == 0) throw new ArgumentException($"The waveform has {waveform.Length} samples; at least {ReceptiveField} are needed for one token.", nameof(waveform));
        for (int i = 0; i < waveform.Length; i++)
            if (!float.IsFinite(waveform[i])) throw new ArgumentException($"Sample {i} is {waveform[i]}; audio must be finite.", nameof(waveform));
        var samples = waveform.ToArray();
        var tokens = new long[frames];
        using var input = OrtValue.CreateTensorValueFromMemory(samples, [1, samples.Length]);
        using var output = OrtValue.CreateTensorValueFromMemory(tokens, [1, frames]);
        using (_guard.Enter())
            GraphRunner.Run(_session, ["waveform"], [input], ["tokens"], [output], cancellationToken);
        return tokens;
    }

    /// <summary>Releases the session, after waiting for calls in flight; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_guard.IsClosed) return;
        _guard.CloseAndWait();
        _session.Dispose();
    }
}
