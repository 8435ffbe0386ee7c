using System.Runtime.CompilerServices;
using SoundStorm.Onnx.Generation;

namespace SoundStorm.Onnx;

public sealed partial class SoundStormPipeline
{
    /// <summary>
    /// Like <see cref="ResynthesizeAsync"/>, but yields the audio window by window as it is generated, for a source of
    /// any length: the source is tokenized only as far as the next window needs, and a source longer than one window
    /// starts with a window a third as long, so the first piece arrives after a fraction of one window's work, not the
    /// whole file's. Each piece is decoded with the codec's context on both sides; the last
    /// few frames of a window wait for the next one (their right-hand context), so the pieces join without seams and
    /// add up to what <see cref="ResynthesizeAsync"/> decodes. Pieces are not peak-normalised (the loudness of later
    /// audio is not known yet).
    /// </summary>
    /// <exception cref="ArgumentException">An input is too short (under one token frame), not finite, or longer than <see cref="PipelineOptions.MaxInputSeconds"/>.</exception>
    public async IAsyncEnumerable<AudioClip> ResynthesizeStreamingAsync(AudioClip source, AudioClip? prompt = null,
        IProgress<GenerationProgress>? progress = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        CheckDuration(source);
        var audio = await Task.Run(() => ToModelRate(source), cancellationToken).ConfigureAwait(false);
        var semantic = new long[SemanticTokenizer.CheckedFrameCount(audio.Span)];
        var request = await Task.Run(() => BuildRequest(semantic, prompt, cancellationToken), cancellationToken).ConfigureAwait(false);

        // Tokenize chunk by chunk as the windows reach into the source (the normalisation statistics, a cheap pass, first).
        var statistics = await Task.Run(() => _tokenizer.Statistics(audio.Span, cancellationToken), cancellationToken).ConfigureAwait(false);
        using var chunks = _tokenizer.Chunks(semantic.Length).GetEnumerator();
        int tokenized = 0;
        void Tokenize(int end)
        {
            while (tokenized < end && chunks.MoveNext())
            {
                _tokenizer.TokenizeChunk(audio.Span, chunks.Current, statistics, semantic, cancellationToken);
                tokenized = chunks.Current.KeepEnd;
            }
        }

        await foreach (var piece in StreamWindows(request, semantic.Length, Tokenize, progress, cancellationToken).ConfigureAwait(false))
            yield return piece;
    }

    /// <summary>
    /// Audio of a token-level request (semantic tokens, optional prompt tokens, seed), yielded window by window as in
    /// <see cref="ResynthesizeStreamingAsync"/>; with <see cref="CreateRequestAsync"/> the two halves of a resynthesis
    /// can run on different machines.
    /// </summary>
    /// <exception cref="ArgumentException">The request is empty, its prompt is too long, or a token is out of range.</exception>
    public IAsyncEnumerable<AudioClip> GenerateStreamingAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return StreamWindows(request, request.Semantic.Length, null, null, cancellationToken);
    }

    // Generates the request window by window (tokenizing ahead through the callback when one is given) and decodes
    // each window with the codec's context on both sides, holding back frames whose right-hand context is not known yet.
    private async IAsyncEnumerable<AudioClip> StreamWindows(GenerationRequest request, int frames, Action<int>? tokenize,
        IProgress<GenerationProgress>? progress, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var windows = LongFormGeneration.Windows(_generator, request, _windowFrames, _overlapFrames, _options.Generation, progress, cancellationToken, tokenize,
                shortFirstWindow: true)
            .GetEnumerator();
        var codes = new CodeGrid(frames, _generator.Codebooks);
        int known = 0, emitted = 0;
        while (await Task.Run(windows.MoveNext, cancellationToken).ConfigureAwait(false))
        {
            var (first, tokens) = windows.Current;
            tokens.AsSpan().CopyTo(codes.Slice(first, tokens.Frames).AsSpan());
            known = first + tokens.Frames;
            int end = known == frames ? known : known - _codec.ContextFrames;
            if (end <= emitted) continue;
            int from = emitted;
            float[] piece = await Task.Run(() => _codec.DecodeFrames(codes, from, end, known, cancellationToken), cancellationToken).ConfigureAwait(false);
            emitted = end;
            yield return new AudioClip(piece, SampleRate);
        }
    }
}
