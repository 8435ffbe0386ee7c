using SoundStorm.Onnx.Chunking;

namespace SoundStorm.Onnx.Tests.Semantic;

/// <summary>
/// Chunked tokenization of long speech with the shipped tokenizer: every chunk's kept frames are exactly the tokens the
/// graph gives over that chunk's run with the whole input's normalisation statistics (the stitching places them
/// right), inputs that fit in one run are not cut, and chunked tokens agree with one pass on at least 98 % of frames —
/// the shipped tokenizer's attention reaches 10 s each way and every chunk carries that much context.
/// </summary>
public sealed class TokenizerChunkingTests
{
    private static float[]? Speech(int seconds) => RecordedSpeech.Looped(seconds, "0880", "0930");

    [Fact]
    public void Each_chunks_kept_tokens_equal_the_graph_over_its_run()
    {
        if (Speech(30) is not { } speech) return;
        using var package = ModelPackage.Load(TestPaths.DefaultModel());
        using var tokenizer = new SemanticTokenizer(package) { ChunkFrames = 400, ContextFrames = 60 };
        long[] chunked = tokenizer.Tokenize(speech);
        Assert.Equal(SemanticTokenizer.FrameCount(speech.Length), chunked.Length);

        var plan = tokenizer.Chunks(chunked.Length).ToList();
        Assert.Equal(4, plan.Count); // 1499 frames in kept spans of 400
        var statistics = tokenizer.Statistics(speech, default);
        foreach (var chunk in plan)
        {
            // The run's samples worked out here (frame f reads samples [320·f, 320·f + 400); the last run takes the tail),
            // and tokenized as a whole input of its own with the whole input's statistics.
            int start = chunk.RunStart * 320, end = chunk.RunEnd == chunked.Length ? speech.Length : (chunk.RunEnd - 1) * 320 + 400;
            int frames = chunk.RunEnd - chunk.RunStart;
            var run = new long[frames];
            tokenizer.TokenizeChunk(speech.AsSpan(start, end - start), new FrameChunk(0, frames, 0, frames), statistics, run, default);
            Assert.Equal(run[(chunk.KeepStart - chunk.RunStart)..(chunk.KeepEnd - chunk.RunStart)], chunked[chunk.KeepStart..chunk.KeepEnd]);
        }
    }

    [Fact]
    public void Chunk_sizes_are_checked_and_the_largest_context_runs_one_pass()
    {
        using var package = ModelPackage.Load(TestPaths.DefaultModel());
        using var tokenizer = new SemanticTokenizer(package);
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.ChunkFrames = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => tokenizer.ContextFrames = -1);

        // Chunk plus twice the context is past int.MaxValue: one pass over the whole input, not an overflowed plan.
        tokenizer.ContextFrames = int.MaxValue;
        Assert.Equal([new(0, 100_000, 0, 100_000)], tokenizer.Chunks(100_000));
    }

    [Fact]
    public void Chunked_tokens_agree_with_one_pass_on_98_percent_of_frames()
    {
        if (Speech(60) is not { } speech) return;
        using var package = ModelPackage.Load(TestPaths.DefaultModel());
        using var tokenizer = new SemanticTokenizer(package);
        Assert.Equal(6, tokenizer.Chunks(SemanticTokenizer.FrameCount(speech.Length)).Count()); // the shipped sizes: 10 s kept, 10 s context
        long[] chunked = tokenizer.Tokenize(speech);
        tokenizer.ChunkFrames = int.MaxValue / 4;
        long[] onePass = tokenizer.Tokenize(speech);
        double agreement = chunked.Zip(onePass).Count(p => p.First == p.Second) / (double)onePass.Length;
        Assert.True(agreement >= 0.98, $"chunked vs one pass {agreement:P1}");
    }

    [Fact]
    public void An_input_that_fits_in_one_run_gives_exactly_the_one_pass_tokens()
    {
        if (Speech(25) is not { } speech) return;
        using var package = ModelPackage.Load(TestPaths.DefaultModel());
        using var tokenizer = new SemanticTokenizer(package);
        long[] shipped = tokenizer.Tokenize(speech);
        tokenizer.ChunkFrames = int.MaxValue / 4;
        Assert.Equal(tokenizer.Tokenize(speech), shipped);
    }
}
