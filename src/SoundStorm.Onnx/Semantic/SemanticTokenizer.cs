using Microsoft.ML.OnnxRuntime;
using SoundStorm.Onnx.Chunking;
using SoundStorm.Onnx.Packages;
using SoundStorm.Onnx.Sessions;

namespace SoundStorm.Onnx;

/// <summary>
/// The package's <c>semantic</c> graph (HuBERT features quantised by k-means inside the graph): waveform float
/// [batch, samples] at the package's sample rate → token ids int64 [batch, frames], frames = ⌊(samples − 400) / 320⌋ + 1
/// at 16 kHz. A package whose tokenizer normalises over the whole input also has a <c>semantic_statistics</c> graph: the
/// statistics are then gathered over the whole input first, so chunked and one-pass tokens agree. Thread-safe; dispose
/// to release.
/// </summary>
public sealed class SemanticTokenizer : IDisposable
{
    private const int ReceptiveField = 400, Stride = 320; // HuBERT's convolutional feature extractor at 16 kHz
    private readonly InferenceSession _session;
    private readonly ExtractorStatisticsPass? _statistics;
    private readonly UsageGuard _guard = new(nameof(SemanticTokenizer));

    /// <summary>Opens the package's semantic graph.</summary>
    /// <exception cref="ModelPackageException">The package has no semantic graph.</exception>
    public SemanticTokenizer(ModelPackage package, SessionSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(package);
        if (!package.HasGraph(GraphNames.Semantic))
            throw new ModelPackageException(ModelManifest.FileName, $"graphs.{GraphNames.Semantic}",
                "a 'semantic' graph (tokenizing audio needs one; or supply semantic tokens directly)", "no such entry");
        settings ??= new SessionSettings();
        _session = package.CreateSession(GraphNames.Semantic, settings);
        try
        {
            if (package.HasGraph(GraphNames.SemanticStatistics))
                _statistics = new ExtractorStatisticsPass(package.CreateSession(GraphNames.SemanticStatistics, settings), ModelManifest.FileName);
            SizeChunksFor(_session);
        }
        catch
        {
            _statistics?.Dispose();
            _session.Dispose();
            throw;
        }
        SampleRate = package.Manifest.SampleRate;
        Vocabulary = package.Manifest.SemanticVocabulary;
    }

    private SemanticTokenizer(string folder, PackageFragment fragment, SessionSettings settings)
    {
        SampleRate = (int)FragmentGraphs.Positive(folder, "sampleRate", fragment.SampleRate);
        Vocabulary = (int)FragmentGraphs.Positive(folder, "semanticVocabulary", fragment.SemanticVocabulary);
        bool withStatistics = fragment.Graphs.ContainsKey(GraphNames.SemanticStatistics);
        _session = FragmentGraphs.Open(folder, fragment, GraphNames.Semantic, settings,
            withStatistics
                ? [new("waveform", "float", 2), new(ExtractorStatisticsPass.MeanName, "float", 1), new(ExtractorStatisticsPass.VarianceName, "float", 1)]
                : [new("waveform", "float", 2)],
            [new("tokens", "int64", 2)]);
        try
        {
            if (withStatistics)
                _statistics = new ExtractorStatisticsPass(FragmentGraphs.Open(folder, fragment, GraphNames.SemanticStatistics, settings,
                    [new("waveform", "float", 2)],
                    [new(ExtractorStatisticsPass.MeanName, "float", 2), new(ExtractorStatisticsPass.VarianceName, "float", 2), new(ExtractorStatisticsPass.FramesName, "int64", 1)]),
                    Path.Combine(folder, PackageFragment.FileName));
            SizeChunksFor(_session);
        }
        catch
        {
            _statistics?.Dispose();
            _session.Dispose();
            throw;
        }
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

    /// <summary>
    /// Token frames kept from each chunk of a long input: 1,000 (20 s) unless the graph's attention is bounded (then
    /// sized to its span). HuBERT attends over every frame, so its memory grows with the square of a run's length; inputs
    /// longer than one chunk plus its context on both sides are cut into overlapping chunks and the kept frames stitched.
    /// The default sizes were chosen by measuring chunked against one-pass tokens on speech (BENCHMARKS.md): with this
    /// much context the tokens agree on almost every frame. Smaller chunks lower the peak memory of long inputs; larger
    /// ones (<see cref="int.MaxValue"/>: always one pass) cut fewer seams.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below 1.</exception>
    public int ChunkFrames
    {
        get => _chunkFrames;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _chunkFrames = value;
        }
    }

    /// <summary>
    /// Token frames of context run on each side of a chunk's kept frames and then dropped: 150 (3 s) unless the graph's
    /// attention is bounded (then its span). More context brings chunked tokens closer to one pass, at the cost of
    /// longer runs.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Set below 0.</exception>
    public int ContextFrames
    {
        get => _contextFrames;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _contextFrames = value;
        }
    }

    private int _chunkFrames = DefaultChunkFrames, _contextFrames = DefaultContextFrames;

    internal const int DefaultChunkFrames = 1000, DefaultContextFrames = 150; // 20 s kept, 3 s context each side at 50 Hz

    /// <summary>
    /// Chunk sizes for a graph whose attention reaches a bounded number of frames each way (metadata
    /// <c>attention_span</c>, written by <c>import hubert --attention-span</c>): as much context as the span, which
    /// measured ≥ 99.7 % agreement with one pass for spans of 3–10 s (BENCHMARKS.md), never less than the default; and
    /// kept spans no longer than keep a run within the default run of 1,300 frames — or, for a span wider than that
    /// allows, as long as the context. For spans up to 10 s (the shipped model's) a run's attention matrices, which set
    /// the tokenizer's peak memory, so stay within what one pass over 30 s needs; a wider span runs three spans at a time.
    /// </summary>
    private void SizeChunksFor(InferenceSession session)
    {
        if (!session.ModelMetadata.CustomMetadataMap.TryGetValue("attention_span", out var text)
            || !int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int span))
            return;
        ContextFrames = Math.Clamp(span, DefaultContextFrames, DefaultChunkFrames);
        ChunkFrames = Math.Max(DefaultChunkFrames + 2 * DefaultContextFrames - 2 * ContextFrames, ContextFrames);
    }

    /// <summary>Semantic tokens of a mono waveform at <see cref="SampleRate"/>; long inputs are tokenized in overlapping chunks.</summary>
    /// <exception cref="ArgumentException">The waveform is shorter than 400 samples or holds non-finite samples.</exception>
    public long[] Tokenize(ReadOnlySpan<float> waveform, CancellationToken cancellationToken = default)
    {
        var tokens = new long[CheckedFrameCount(waveform)];
        var statistics = Statistics(waveform, cancellationToken);
        foreach (var chunk in Chunks(tokens.Length))
            TokenizeChunk(waveform, chunk, statistics, tokens, cancellationToken);
        return tokens;
    }

    /// <summary>The frame count of <paramref name="waveform"/>, after checking it is long enough and finite.</summary>
    internal static int CheckedFrameCount(ReadOnlySpan<float> waveform)
    {
        int frames = FrameCount(waveform.Length);
        if (frames == 0) throw new ArgumentException($"The waveform has {waveform.Length} samples; at least {ReceptiveField} are needed for one token.", nameof(waveform));
        for (int i = 0; i < waveform.Length; i++)
            if (!float.IsFinite(waveform[i])) throw new ArgumentException($"Sample {i} is {waveform[i]}; audio must be finite.", nameof(waveform));
        return frames;
    }

    /// <summary>The chunks <see cref="Tokenize"/> runs for an input of <paramref name="frames"/> token frames.</summary>
    internal IEnumerable<FrameChunk> Chunks(int frames) => FrameChunks.Plan(frames, ChunkFrames, ContextFrames);

    /// <summary>The statistics pass, when the package's tokenizer takes its normalisation statistics as inputs.</summary>
    internal ExtractorStatisticsPass? StatisticsPass => _statistics;

    /// <summary>The normalisation statistics of the whole <paramref name="waveform"/>, or null when the graph computes its own.</summary>
    internal ExtractorStatistics? Statistics(ReadOnlySpan<float> waveform, CancellationToken cancellationToken)
    {
        if (_statistics is null) return null;
        using (_guard.Enter()) return _statistics.Compute(waveform, cancellationToken);
    }

    /// <summary>
    /// Runs the graph on one chunk of <paramref name="waveform"/> and writes its kept frames into <paramref name="tokens"/>
    /// (all of the input's frames); <paramref name="statistics"/> are the whole input's (<see cref="Statistics"/>).
    /// </summary>
    internal void TokenizeChunk(ReadOnlySpan<float> waveform, FrameChunk chunk, ExtractorStatistics? statistics, long[] tokens, CancellationToken cancellationToken)
    {
        if ((statistics is null) != (_statistics is null))
            throw new ArgumentException(_statistics is null ? "This tokenizer computes its own statistics." : "This tokenizer needs the input's statistics.", nameof(statistics));
        // Frame f sees samples [320·f, 320·f + 400); the last chunk takes the input's tail too, as one pass would.
        int start = chunk.RunStart * Stride;
        int end = chunk.RunEnd == tokens.Length ? waveform.Length : (chunk.RunEnd - 1) * Stride + ReceptiveField;
        var output = new long[chunk.RunEnd - chunk.RunStart];
        using var result = OrtValue.CreateTensorValueFromMemory(output, [1, output.Length]);
        unsafe
        {
            fixed (float* samples = waveform[start..end])
            {
                using var input = PinnedInput.Waveform(samples, end - start);
                using (_guard.Enter())
                {
                    if (statistics is null)
                    {
                        GraphRunner.Run(_session, ["waveform"], [input], ["tokens"], [result], cancellationToken);
                    }
                    else
                    {
                        using var mean = OrtValue.CreateTensorValueFromMemory(statistics.Mean, [statistics.Mean.Length]);
                        using var variance = OrtValue.CreateTensorValueFromMemory(statistics.Variance, [statistics.Variance.Length]);
                        GraphRunner.Run(_session, ["waveform", ExtractorStatisticsPass.MeanName, ExtractorStatisticsPass.VarianceName],
                            [input, mean, variance], ["tokens"], [result], cancellationToken);
                    }
                }
            }
        }
        Array.Copy(output, chunk.KeepStart - chunk.RunStart, tokens, chunk.KeepStart, chunk.KeepEnd - chunk.KeepStart);
    }

    /// <summary>Releases the session, after waiting for calls in flight; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_guard.IsClosed) return;
        _guard.CloseAndWait();
        _session.Dispose();
        _statistics?.Dispose();
    }
}
