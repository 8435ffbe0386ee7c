using SoundStorm.Onnx.Audio;
using SoundStorm.Onnx.Generation;
using SoundStorm.Onnx.Packages;

namespace SoundStorm.Onnx;

/// <summary>
/// Audio in, audio out: source speech → semantic tokens; prompt speech → semantic + codec tokens; generate the codec
/// tokens of the source in the prompt's voice; decode → waveform. Thread-safe; dispose to release the sessions.
/// </summary>
public sealed partial class SoundStormPipeline : IDisposable
{
    private readonly ModelPackage? _ownedPackage;
    private readonly SemanticTokenizer _tokenizer;
    private readonly NeuralCodec _codec;
    private readonly SoundStormGenerator _generator;
    private readonly PipelineOptions _options;
    private readonly ModelPackage _package;
    private readonly int _windowFrames, _overlapFrames;

    /// <summary>Opens every graph of a package that has all five (semantic, codec encoder/decoder, combiner, transformer).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A window or input-length option is out of range, or the window is longer than the model takes in one pass.</exception>
    public SoundStormPipeline(ModelPackage package, PipelineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(package);
        _options = options ?? new PipelineOptions();
        _package = package;
        var settings = _options.Session;
        _tokenizer = new SemanticTokenizer(package, settings);
        try
        {
            _codec = new NeuralCodec(package, settings);
            if (!_codec.CanDecode)
                throw new ModelPackageException(ModelManifest.FileName, $"graphs.{GraphNames.CodecDecoder}", "a codec_decoder graph (the pipeline produces audio)", "no such entry");
            _generator = new SoundStormGenerator(package, settings);
            (_windowFrames, _overlapFrames) = Windows(_options, _generator, _codec.FrameRate);
        }
        catch
        {
            _tokenizer.Dispose();
            (_codec as IDisposable)?.Dispose();
            (_generator as IDisposable)?.Dispose();
            throw;
        }
    }

    private SoundStormPipeline(ModelPackage package, PipelineOptions? options, bool owned) : this(package, options) =>
        _ownedPackage = owned ? package : null;

    /// <summary>Loads a package (folder or zip) and opens the pipeline over it; the package is released with the pipeline.</summary>
    public static SoundStormPipeline Load(string packagePath, PipelineOptions? options = null)
    {
        var package = ModelPackage.Load(packagePath);
        try
        {
            return new SoundStormPipeline(package, options, owned: true);
        }
        catch
        {
            package.Dispose();
            throw;
        }
    }

    /// <summary>The sample rate of produced audio.</summary>
    public int SampleRate => _codec.SampleRate;

    /// <summary>Semantic tokens of speech (any rate and channel count; resampled and down-mixed first).</summary>
    public Task<long[]> TokenizeAsync(AudioClip audio, CancellationToken cancellationToken = default) =>
        Task.Run(() => _tokenizer.Tokenize(ToModelRate(audio).Span, cancellationToken), cancellationToken);

    /// <summary>Codec tokens [frames, Q] of speech.</summary>
    public Task<CodeGrid> EncodeAsync(AudioClip audio, CancellationToken cancellationToken = default) =>
        Task.Run(() => _codec.Encode(ToModelRate(audio).Span, cancellationToken), cancellationToken);

    /// <summary>Audio of codec tokens [frames, Q].</summary>
    public Task<AudioClip> DecodeAsync(CodeGrid codes, CancellationToken cancellationToken = default) =>
        Task.Run(() => Finish(_codec.Decode(codes, cancellationToken)), cancellationToken);

    /// <summary>
    /// Says what <paramref name="source"/> says in the voice of <paramref name="prompt"/> (or a voice of the model's
    /// choosing when null): tokenize, encode the prompt, generate, decode. A source of any length runs in memory that
    /// does not grow with it beyond its samples: the tokenizer and the codec work in overlapping chunks, and a source
    /// longer than one window (<see cref="PipelineOptions.WindowSeconds"/>) is generated window by window.
    /// </summary>
    /// <exception cref="ArgumentException">An input is too short (under one token frame), not finite, or longer than <see cref="PipelineOptions.MaxInputSeconds"/>.</exception>
    public Task<AudioClip> ResynthesizeAsync(AudioClip source, AudioClip? prompt = null, IProgress<GenerationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        CheckDuration(source);
        return Task.Run(() =>
        {
            var audio = ToModelRate(source);
            var request = BuildRequest(_tokenizer.Tokenize(audio.Span, cancellationToken), prompt, cancellationToken);
            // The same window plan as the streaming calls (a short first window), so both give the same audio.
            CodeGrid codes = LongFormGeneration.Generate(_generator, request, _windowFrames, _overlapFrames, _options.Generation, progress, cancellationToken,
                shortFirstWindow: true);
            return Finish(_codec.Decode(codes, cancellationToken));
        }, cancellationToken);
    }

    /// <summary>
    /// The generation request that resynthesis runs: the semantic tokens of <paramref name="source"/> and, with a
    /// prompt, its codec and semantic tokens (cut to <see cref="PipelineOptions.MaxPromptSeconds"/>). Tokens can be
    /// sent elsewhere and generated there with <see cref="GenerateStreamingAsync"/>; the same request and seed give the
    /// same audio on any machine.
    /// </summary>
    /// <param name="source">What is said.</param>
    /// <param name="prompt">Whose voice, or null for a voice of the model's choosing.</param>
    /// <param name="seed">The request's own seed; null uses <see cref="GenerationOptions.Seed"/>.</param>
    /// <param name="cancellationToken">Stops the tokenizer and the codec between and inside graph runs.</param>
    /// <exception cref="ArgumentException">An input is too short (under one token frame), not finite, or longer than <see cref="PipelineOptions.MaxInputSeconds"/>.</exception>
    public Task<GenerationRequest> CreateRequestAsync(AudioClip source, AudioClip? prompt = null, ulong? seed = null,
        CancellationToken cancellationToken = default)
    {
        CheckDuration(source);
        return Task.Run(() =>
        {
            var audio = ToModelRate(source);
            return BuildRequest(_tokenizer.Tokenize(audio.Span, cancellationToken), prompt, cancellationToken, seed);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        DisposeSpeech();
        _generator.Dispose();
        _codec.Dispose();
        _tokenizer.Dispose();
        _ownedPackage?.Dispose();
    }

    // The request for semantic tokens spoken in the voice of a prompt (semantic and codec tokens of its first seconds).
    private GenerationRequest BuildRequest(long[] semantic, AudioClip? prompt, CancellationToken cancellationToken, ulong? seed = null)
    {
        if (prompt is null) return new GenerationRequest(semantic, seed: seed);
        // Cut before resampling: only the prompt's start is used, however long (or oddly sampled) the clip is.
        int keep = (int)Math.Min(prompt.FrameCount, Math.Ceiling(_options.MaxPromptSeconds * prompt.SampleRate));
        var head = new AudioClip(Enumerable.Range(0, prompt.ChannelCount).Select(c => prompt.GetChannel(c)[..keep].ToArray()).ToArray(), prompt.SampleRate);
        float[] promptAudio = ToModelRate(head).ToArray();
        int maxSamples = (int)(_options.MaxPromptSeconds * SampleRate);
        if (promptAudio.Length > maxSamples) promptAudio = promptAudio[..maxSamples];
        long[] promptSemantic = _tokenizer.Tokenize(promptAudio, cancellationToken);
        CodeGrid promptCodes = _codec.Encode(promptAudio, cancellationToken);
        // HuBERT gives ⌊(N−80)/320⌋ frames, the codec ⌊N/320⌋: align the two on their common start.
        int frames = Math.Min(promptSemantic.Length, promptCodes.Frames);
        return new GenerationRequest(semantic, promptCodes.Slice(0, frames), promptSemantic[..frames], seed);
    }

    private void CheckDuration(AudioClip source)
    {
        ArgumentNullException.ThrowIfNull(source);
        double seconds = source.Duration.TotalSeconds;
        if (_options.MaxInputSeconds > 0 && seconds > _options.MaxInputSeconds)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The source is {seconds:0.0} s long; this pipeline accepts at most {_options.MaxInputSeconds:0.###} s (PipelineOptions.MaxInputSeconds)."), nameof(source));
    }

    // The source at the model's rate, mono; a mono clip already at that rate is used in place (a long one is not copied).
    private ReadOnlyMemory<float> ToModelRate(AudioClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        if (clip.ChannelCount == 1 && clip.SampleRate == SampleRate) return clip.GetChannel(0);
        return clip.ToMono(SampleRate);
    }

    // Where normalised output peaks: 0.99 of full scale (−0.09 dBFS).
    private static readonly double OutputPeakDbfs = 20 * Math.Log10(0.99);

    private AudioClip Finish(float[] samples)
    {
        if (_options.NormalizeOutput) Loudness.NormalizePeak(samples, OutputPeakDbfs);
        return new AudioClip(samples, SampleRate);
    }

    // Window and overlap in frames: the options' when set, else the generator's defaults (30 s, 3 s, within the model's limits).
    private static (int Window, int Overlap) Windows(PipelineOptions options, SoundStormGenerator generator, double frameRate)
    {
        if (!(options.WindowSeconds >= 0) || !(options.WindowOverlapSeconds >= 0) || !(options.MaxInputSeconds >= 0))
            throw new ArgumentOutOfRangeException(nameof(options), "WindowSeconds, WindowOverlapSeconds and MaxInputSeconds must be numbers ≥ 0.");
        int window = options.WindowSeconds > 0 ? (int)(options.WindowSeconds * frameRate) : generator.DefaultWindowFrames;
        if (window > generator.MaxGeneratedFrames)
            throw new ArgumentOutOfRangeException(nameof(options), options.WindowSeconds, string.Create(CultureInfo.InvariantCulture,
                $"WindowSeconds {options.WindowSeconds} s is longer than this model generates in one pass: {generator.MaxGeneratedFrames} frames ({generator.MaxGeneratedFrames / frameRate:0.##} s, its position table)."));
        if (window < 2) throw new ArgumentOutOfRangeException(nameof(options), options.WindowSeconds, "WindowSeconds must cover at least two frames.");
        // Windows sized for the model (not asked for) keep at least half of each window for new frames.
        int overlap = Math.Min((int)(options.WindowOverlapSeconds * frameRate), options.WindowSeconds > 0 ? window - 1 : window / 2);
        return (window, Math.Min(overlap, generator.MaxPromptFrames ?? int.MaxValue));
    }
}
