using SoundStorm.Onnx.Audio;
using SoundStorm.Onnx.Codec;
using SoundStorm.Onnx.Generation;
using SoundStorm.Onnx.Packages;
using SoundStorm.Onnx.Semantic;

namespace SoundStorm.Onnx.Pipeline;

/// <summary>
/// Audio in, audio out: source speech → semantic tokens; prompt speech → semantic + codec tokens; generate the codec
/// tokens of the source in the prompt's voice; decode → waveform. Thread-safe; dispose to release the sessions.
/// </summary>
public sealed class SoundStormPipeline : IDisposable
{
    private readonly ModelPackage? _ownedPackage;
    private readonly SemanticTokenizer _tokenizer;
    private readonly NeuralCodec _codec;
    private readonly SoundStormGenerator _generator;
    private readonly PipelineOptions _options;

    /// <summary>Opens every graph of a package that has all five (semantic, codec encoder/decoder, combiner, transformer).</summary>
    public SoundStormPipeline(ModelPackage package, PipelineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(package);
        _options = options ?? new PipelineOptions();
        var settings = _options.Session;
        _tokenizer = new SemanticTokenizer(package, settings);
        try
        {
            _codec = new NeuralCodec(package, settings);
            if (!_codec.CanDecode)
                throw new ModelPackageException(ModelManifest.FileName, $"graphs.{GraphNames.CodecDecoder}", "a codec_decoder graph (the pipeline produces audio)", "no such entry");
            _generator = new SoundStormGenerator(package, settings);
        }
        catch
        {
            _tokenizer.Dispose();
            (_codec as IDisposable)?.Dispose();
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
        Task.Run(() => _tokenizer.Tokenize(ToModelRate(audio), cancellationToken), cancellationToken);

    /// <summary>Codec tokens [frames, Q] of speech.</summary>
    public Task<long[,]> EncodeAsync(AudioClip audio, CancellationToken cancellationToken = default) =>
        Task.Run(() => _codec.Encode(ToModelRate(audio), cancellationToken), cancellationToken);

    /// <summary>Audio of codec tokens [frames, Q].</summary>
    public Task<AudioClip> DecodeAsync(long[,] codes, CancellationToken cancellationToken = default) =>
        Task.Run(() => Finish(_codec.Decode(codes, cancellationToken)), cancellationToken);

    /// <summary>
    /// Says what <paramref name="source"/> says in the voice of <paramref name="prompt"/> (or a voice of the model's
    /// choosing when null): tokenize, encode the prompt, generate, decode.
    /// </summary>
    /// <exception cref="ArgumentException">An input is too short (under one token frame) or not finite.</exception>
    public Task<AudioClip> ResynthesizeAsync(AudioClip source, AudioClip? prompt = null, IProgress<GenerationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Task.Run(() =>
        {
            var request = BuildRequest(source, prompt, seed: null, cancellationToken);
            long[,] codes = _options.WindowSeconds > 0
                ? _generator.GenerateLong(request, (int)(_options.WindowSeconds * _codec.FrameRate), (int)(_options.WindowOverlapSeconds * _codec.FrameRate),
                    _options.Generation, progress, cancellationToken)
                : _generator.Generate(request, _options.Generation, progress, cancellationToken);
            return Finish(_codec.Decode(codes, cancellationToken));
        }, cancellationToken);
    }

    /// <summary>
    /// Like <see cref="ResynthesizeAsync"/>, but yields the audio window by window as it is generated
    /// (<see cref="PipelineOptions.WindowSeconds"/>, 10 s when unset), so playback can start after the first window.
    /// Each window is decoded together with the end of the one before and only its new part is returned, so the
    /// pieces join without clicks. Pieces are not peak-normalised (the loudness of later audio is not known yet).
    /// </summary>
    public async IAsyncEnumerable<AudioClip> ResynthesizeStreamingAsync(AudioClip source, AudioClip? prompt = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var request = await CreateRequestAsync(source, prompt, seed: null, cancellationToken).ConfigureAwait(false);
        await foreach (var piece in GenerateStreamingAsync(request, cancellationToken).ConfigureAwait(false))
            yield return piece;
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
    /// <exception cref="ArgumentException">An input is too short (under one token frame) or not finite.</exception>
    public Task<GenerationRequest> CreateRequestAsync(AudioClip source, AudioClip? prompt = null, ulong? seed = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Task.Run(() => BuildRequest(source, prompt, seed, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Audio of a token-level request (semantic tokens, optional prompt tokens, seed), yielded window by window as in
    /// <see cref="ResynthesizeStreamingAsync"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The request is empty, its prompt is too long, or a token is out of range.</exception>
    public async IAsyncEnumerable<AudioClip> GenerateStreamingAsync(GenerationRequest request,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        double windowSeconds = _options.WindowSeconds > 0 ? _options.WindowSeconds : 10;
        int window = (int)(windowSeconds * _codec.FrameRate), overlap = (int)(_options.WindowOverlapSeconds * _codec.FrameRate);
        using var windows = LongFormGeneration.Windows(_generator, request, window, Math.Min(overlap, window - 1), _options.Generation, null, cancellationToken)
            .GetEnumerator();
        long[,]? previous = null;
        while (await Task.Run(windows.MoveNext, cancellationToken).ConfigureAwait(false))
        {
            var (_, tokens) = windows.Current;
            int context = previous is null ? 0 : Math.Min(previous.GetLength(0), DecoderContextFrames);
            var joined = new long[context + tokens.GetLength(0), tokens.GetLength(1)];
            for (int f = 0; f < context; f++)
                for (int q = 0; q < tokens.GetLength(1); q++) joined[f, q] = previous![previous.GetLength(0) - context + f, q];
            for (int f = 0; f < tokens.GetLength(0); f++)
                for (int q = 0; q < tokens.GetLength(1); q++) joined[context + f, q] = tokens[f, q];
            float[] audio = await Task.Run(() => _codec.Decode(joined, cancellationToken), cancellationToken).ConfigureAwait(false);
            previous = tokens;
            yield return new AudioClip(audio[(context * _codec.Hop)..], SampleRate);
        }
    }

    // Frames of the previous window decoded again before each streamed window: enough for the decoder's receptive field.
    private const int DecoderContextFrames = 8;

    /// <inheritdoc />
    public void Dispose()
    {
        _generator.Dispose();
        _codec.Dispose();
        _tokenizer.Dispose();
        _ownedPackage?.Dispose();
    }

    private GenerationRequest BuildRequest(AudioClip source, AudioClip? prompt, ulong? seed, CancellationToken cancellationToken)
    {
        long[] semantic = _tokenizer.Tokenize(ToModelRate(source), cancellationToken);
        if (prompt is null) return new GenerationRequest(semantic, seed: seed);
        float[] promptAudio = ToModelRate(prompt);
        int maxSamples = (int)(_options.MaxPromptSeconds * SampleRate);
        if (promptAudio.Length > maxSamples) promptAudio = promptAudio[..maxSamples];
        long[] promptSemantic = _tokenizer.Tokenize(promptAudio, cancellationToken);
        long[,] promptCodes = _codec.Encode(promptAudio, cancellationToken);
        // HuBERT gives ⌊(N−80)/320⌋ frames, the codec ⌊N/320⌋: align the two on their common start.
        int frames = Math.Min(promptSemantic.Length, promptCodes.GetLength(0));
        return new GenerationRequest(semantic, Trim(promptCodes, frames), promptSemantic[..frames], seed);
    }

    private float[] ToModelRate(AudioClip clip)
    {
        ArgumentNullException.ThrowIfNull(clip);
        float[] mono = clip.ToMono();
        return clip.SampleRate == SampleRate ? mono : new Resampler(clip.SampleRate, SampleRate).Process(mono);
    }

    private AudioClip Finish(float[] samples)
    {
        if (_options.NormalizeOutput) Loudness.NormalizePeak(samples, 20 * Math.Log10(0.99));
        return new AudioClip(samples, SampleRate);
    }

    private static long[,] Trim(long[,] codes, int frames)
    {
        var result = new long[frames, codes.GetLength(1)];
        for (int f = 0; f < frames; f++)
            for (int q = 0; q < codes.GetLength(1); q++) result[f, q] = codes[f, q];
        return result;
    }
}
