using Microsoft.ML.OnnxRuntime;
using SoundStorm.Onnx.Chunking;
using SoundStorm.Onnx.Packages;
using SoundStorm.Onnx.Sessions;

namespace SoundStorm.Onnx;

/// <summary>
/// The codec's two graphs (docs/graph-contract.md): <c>codec_encoder</c> waveform float [batch, samples] → codes int64
/// [batch, frames, Q]; <c>codec_decoder</c> codes → waveform float [batch, samples]. Thread-safe; dispose to release.
/// </summary>
public sealed class NeuralCodec : IDisposable
{
    private readonly InferenceSession? _encoder, _decoder;
    private readonly UsageGuard _guard = new(nameof(NeuralCodec));

    /// <summary>Opens whichever codec graphs the package has.</summary>
    public NeuralCodec(ModelPackage package, SessionSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(package);
        settings ??= new SessionSettings();
        SampleRate = package.Manifest.SampleRate;
        FrameRate = package.Manifest.FrameRate;
        Codebooks = package.Manifest.Codebooks;
        CodebookSize = package.Manifest.CodebookSize;
        _contextFrames = package.Manifest.CodecContextFrames ?? DefaultContextFrames;
        (_encoder, _decoder) = OpenBoth(
            package.HasGraph(GraphNames.CodecEncoder) ? () => package.CreateSession(GraphNames.CodecEncoder, settings) : null,
            package.HasGraph(GraphNames.CodecDecoder) ? () => package.CreateSession(GraphNames.CodecDecoder, settings) : null);
    }

    private NeuralCodec(string folder, PackageFragment fragment, SessionSettings settings)
    {
        SampleRate = (int)FragmentGraphs.Positive(folder, "sampleRate", fragment.SampleRate);
        FrameRate = FragmentGraphs.Positive(folder, "frameRate", fragment.FrameRate);
        Codebooks = (int)FragmentGraphs.Positive(folder, "codebooks", fragment.Codebooks);
        CodebookSize = (int)FragmentGraphs.Positive(folder, "codebookSize", fragment.CodebookSize);
        _contextFrames = fragment.CodecContextFrames ?? DefaultContextFrames;
        if (!FragmentGraphs.Has(fragment, GraphNames.CodecEncoder) && !FragmentGraphs.Has(fragment, GraphNames.CodecDecoder))
            throw new ModelPackageException(Path.Combine(folder, PackageFragment.FileName), "graphs",
                $"a '{GraphNames.CodecEncoder}' or '{GraphNames.CodecDecoder}' graph", string.Join(", ", fragment.Graphs.Keys.DefaultIfEmpty("none")));
        FragmentGraphs.Expected waveform = new("waveform", "float", 2), codes = new("codes", "int64", 3, Codebooks);
        (_encoder, _decoder) = OpenBoth(
            FragmentGraphs.Has(fragment, GraphNames.CodecEncoder) ? () => FragmentGraphs.Open(folder, fragment, GraphNames.CodecEncoder, settings, [waveform], [codes]) : null,
            FragmentGraphs.Has(fragment, GraphNames.CodecDecoder) ? () => FragmentGraphs.Open(folder, fragment, GraphNames.CodecDecoder, settings, [codes], [waveform]) : null);
    }

    /// <summary>
    /// Opens the codec graphs of an importer's fragment folder (<c>fragment.json</c> with sampleRate, frameRate,
    /// codebooks and codebookSize, as <c>soundstorm import hificodec</c> writes it), without a full model package.
    /// Each graph is checked against the graph contract (names, element types, ranks, Q).
    /// </summary>
    /// <exception cref="ModelPackageException">The fragment lacks a number or a codec graph, or a graph breaks the contract.</exception>
    public static NeuralCodec FromFragment(string folder, SessionSettings? settings = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        return new NeuralCodec(folder, PackageFragment.Read(folder), settings ?? new SessionSettings());
    }

    // Opens the encoder, then the decoder; releases the first when the second fails.
    private static (InferenceSession?, InferenceSession?) OpenBoth(Func<InferenceSession>? encoder, Func<InferenceSession>? decoder)
    {
        var first = encoder?.Invoke();
        try
        {
            return (first, decoder?.Invoke());
        }
        catch
        {
            first?.Dispose();
            throw;
        }
    }

    /// <summary>Audio samples per second the codec works at.</summary>
    public int SampleRate { get; }

    /// <summary>Code frames per second.</summary>
    public double FrameRate { get; }

    /// <summary>Codes per frame (Q).</summary>
    public int Codebooks { get; }

    /// <summary>Codes per codebook (V).</summary>
    public int CodebookSize { get; }

    /// <summary>Samples per code frame.</summary>
    public int Hop => (int)Math.Round(SampleRate / FrameRate);

    /// <summary>True when the package has a codec encoder (needed for voice prompts from audio).</summary>
    public bool CanEncode => _encoder is not null;

    /// <summary>True when the package has a codec decoder (needed to produce audio).</summary>
    public bool CanDecode => _decoder is not null;

    /// <summary>
    /// Code frames of context run on each side of a chunk and then dropped, when a long input is encoded or decoded
    /// in chunks. The package's <c>codecContextFrames</c> when it states one (the importer computes it from the
    /// network's layers), else 32 (twice what a HiFi-Codec style codec's convolutions reach). Context that covers the
    /// decoder's reach makes a chunked decode equal a one-pass one to float rounding.
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

    private int _contextFrames;

    /// <summary>
    /// Context for packages that do not state theirs: twice what the convolutions of a HiFi-Codec style codec reach
    /// (16 frames each side for the 320-sample hop configurations, the encoder's last resblocks; the decoder reaches 7),
    /// so a codec of that family with deeper layers is still covered.
    /// </summary>
    internal const int DefaultContextFrames = 32;

    /// <summary>
    /// Code frames kept from each chunk of a long input: 1,500 (30 s at 50 Hz); shorter inputs run in one pass. Smaller
    /// chunks lower the peak memory of long inputs; larger ones (<see cref="int.MaxValue"/>: always one pass) cut fewer
    /// seams — which matters for the encoder, whose GroupNorm layers take statistics over their whole input
    /// (BENCHMARKS.md gives the agreement of chunked codes with one pass).
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

    private int _chunkFrames = 1500;

    /// <summary>
    /// Codes [frames, Q] of a mono waveform at <see cref="SampleRate"/>; frames = ⌊samples / hop⌋. Inputs longer than
    /// one chunk are encoded in overlapping chunks. The encoder's GroupNorm layers take statistics over their whole
    /// input, so a chunked result is close to, not equal to, a one-pass one (BENCHMARKS.md gives the agreement).
    /// </summary>
    /// <exception cref="ModelPackageException">The package has no codec encoder.</exception>
    /// <exception cref="ArgumentException">The waveform is shorter than one frame or holds non-finite samples.</exception>
    public CodeGrid Encode(ReadOnlySpan<float> waveform, CancellationToken cancellationToken = default)
    {
        var encoder = _encoder ?? throw new ModelPackageException(ModelManifest.FileName, $"graphs.{GraphNames.CodecEncoder}",
            "a codec_encoder graph (voice prompts from audio need one)", "no such entry");
        if (waveform.Length < Hop)
            throw new ArgumentException($"The waveform has {waveform.Length} samples; the codec needs at least one frame ({Hop} samples).", nameof(waveform));
        for (int i = 0; i < waveform.Length; i++)
            if (!float.IsFinite(waveform[i])) throw new ArgumentException($"Sample {i} is {waveform[i]}; audio must be finite.", nameof(waveform));
        int frames = waveform.Length / Hop;
        var result = new CodeGrid(frames, Codebooks);
        foreach (var chunk in FrameChunks.Plan(frames, ChunkFrames, ContextFrames))
        {
            // The last chunk takes the input's tail (under one hop) too, as a one-pass run would.
            int end = chunk.RunEnd == frames ? waveform.Length : chunk.RunEnd * Hop;
            var samples = waveform[(chunk.RunStart * Hop)..end].ToArray();
            var codes = new long[(chunk.RunEnd - chunk.RunStart) * Codebooks];
            using var input = OrtValue.CreateTensorValueFromMemory(samples, [1, samples.Length]);
            using var output = OrtValue.CreateTensorValueFromMemory(codes, [1, chunk.RunEnd - chunk.RunStart, Codebooks]);
            using (_guard.Enter())
                GraphRunner.Run(encoder, ["waveform"], [input], ["codes"], [output], cancellationToken);
            new CodeGrid(codes, Codebooks).Slice(chunk.KeepStart - chunk.RunStart, chunk.KeepEnd - chunk.KeepStart).AsSpan()
                .CopyTo(result.Slice(chunk.KeepStart, chunk.KeepEnd - chunk.KeepStart).AsSpan());
        }
        return result;
    }

    /// <summary>
    /// The waveform [frames · hop] of codes [frames, Q]. Inputs longer than one chunk are decoded in chunks with
    /// <see cref="ContextFrames"/> of context on each side, which equals a one-pass decode to float rounding: the
    /// decoder is convolutional and the context covers its receptive field.
    /// </summary>
    /// <exception cref="ModelPackageException">The package has no codec decoder.</exception>
    /// <exception cref="ArgumentException">The codes have the wrong width, no frames, or a code outside 0..V−1.</exception>
    public float[] Decode(CodeGrid codes, CancellationToken cancellationToken = default)
    {
        CheckCodes(codes, codes?.Frames ?? 0);
        int frames = codes!.Frames;
        var waveform = new float[frames * Hop];
        foreach (var chunk in FrameChunks.Plan(frames, ChunkFrames, ContextFrames))
            DecodeChunk(codes, chunk, cancellationToken).CopyTo(waveform, chunk.KeepStart * Hop);
        return waveform;
    }

    /// <summary>
    /// Samples of frames [<paramref name="keepStart"/>, <paramref name="keepEnd"/>) of a grid whose first
    /// <paramref name="knownFrames"/> rows are final, decoded with up to <see cref="ContextFrames"/> of them on each
    /// side: the same samples as a one-pass decode wherever that context is there (streaming holds back the frames
    /// whose right-hand context is not generated yet).
    /// </summary>
    internal float[] DecodeFrames(CodeGrid codes, int keepStart, int keepEnd, int knownFrames, CancellationToken cancellationToken)
    {
        CheckCodes(codes, knownFrames);
        return DecodeChunk(codes, new FrameChunk(Math.Max(0, keepStart - ContextFrames), Math.Min(knownFrames, keepEnd + ContextFrames), keepStart, keepEnd),
            cancellationToken);
    }

    private void CheckCodes(CodeGrid? codes, int knownFrames)
    {
        ArgumentNullException.ThrowIfNull(codes);
        if (_decoder is null)
            throw new ModelPackageException(ModelManifest.FileName, $"graphs.{GraphNames.CodecDecoder}", "a codec_decoder graph (producing audio needs one)", "no such entry");
        int frames = codes.Frames;
        if (frames == 0) throw new ArgumentException("There are no code frames to decode.", nameof(codes));
        if (codes.Codebooks != Codebooks)
            throw new ArgumentException($"Codes must be [frames, {Codebooks}]; found [{frames}, {codes.Codebooks}].", nameof(codes));
        // Checked in place (a long grid is not copied for it); positions name the caller's grid.
        GraphIndices.ThrowIfOutOfRange(codes.Slice(0, knownFrames).AsSpan(), [knownFrames, Codebooks], CodebookSize, "Code", nameof(codes));
    }

    private float[] DecodeChunk(CodeGrid codes, FrameChunk chunk, CancellationToken cancellationToken)
    {
        int runFrames = chunk.RunEnd - chunk.RunStart;
        var flat = codes.Slice(chunk.RunStart, runFrames).AsSpan().ToArray();
        var waveform = new float[runFrames * Hop];
        using var input = OrtValue.CreateTensorValueFromMemory(flat, [1, runFrames, Codebooks]);
        using var output = OrtValue.CreateTensorValueFromMemory(waveform, [1, waveform.Length]);
        using (_guard.Enter())
            GraphRunner.Run(_decoder!, ["codes"], [input], ["waveform"], [output], cancellationToken);
        return chunk.KeepStart == chunk.RunStart && chunk.KeepEnd == chunk.RunEnd
            ? waveform
            : waveform[((chunk.KeepStart - chunk.RunStart) * Hop)..((chunk.KeepEnd - chunk.RunStart) * Hop)];
    }

    /// <summary>Releases the sessions, after waiting for calls in flight; later calls throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_guard.IsClosed) return;
        _guard.CloseAndWait();
        _encoder?.Dispose();
        _decoder?.Dispose();
    }
}
