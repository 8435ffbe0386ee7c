using SoundStorm.Onnx.Generation.Graphs;

namespace SoundStorm.Onnx.Tests.Generation;

/// <summary>Windowed generation of long inputs: windows stay within the context, carry the previous tokens as their prompt, leave no seam.</summary>
public class LongFormGenerationTests
{
    // A context-free greedy model: a frame's logits depend only on its own semantic token and level, so any
    // windowing must reproduce the single-pass result exactly — a seam would show as a difference.
    private static void ContextFree(ReadOnlySpan<long> rowTokens, ReadOnlySpan<long> rowSemantic, int frame, int level, Span<float> logits)
    {
        for (int i = 0; i < logits.Length; i++) logits[i] = ((rowSemantic[frame] * 7 + level * 3 + i * 5) % 11) / 3f;
    }

    [Theory]
    [InlineData(100, 24, 8, 0)]
    [InlineData(57, 20, 5, 4)]
    [InlineData(30, 40, 10, 3)] // fits in one window
    public void Windowed_result_equals_the_single_pass_result(int frames, int window, int overlap, int prompt)
    {
        var generator = TestModels.Generator(ContextFree);
        var request = TestModels.RandomRequest(new Random(frames), frames, prompt, separatePromptSemantic: true, seed: 5);
        var options = new GenerationOptions { Temperature = 0, ConfidenceNoise = 0 };
        var single = generator.Generate(request, options);
        var windowed = generator.GenerateLong(request, window, overlap, options);
        Assert.Equal(single, windowed);
    }

    [Fact]
    public void Every_window_fits_and_is_prompted_by_the_previous_windows_tokens()
    {
        const int window = 16, overlap = 6;
        var seen = new List<(int Frames, long[] Tokens)>();
        var source = new FakeLogitsSource(TestModels.Q, TestModels.V, TestModels.HashedLogits);
        var recorder = new RecordingSource(source, seen);
        var generator = new SoundStormGenerator(recorder, TestModels.Vocab);
        var request = TestModels.RandomRequest(new Random(1), 50, 0, separatePromptSemantic: false, seed: 9);
        var result = generator.GenerateLong(request, window, overlap);
        Assert.Equal(50, result.Frames);
        Assert.All(seen, w => Assert.True(w.Frames <= window, $"a window of {w.Frames} frames"));
        // Window 2 onwards: its first `overlap` frames (the prompt) hold the last generated frames of the window before.
        int done = seen[0].Frames;
        for (int w = 1; w < seen.Count; w++)
        {
            for (int f = 0; f < overlap; f++)
                for (int q = 0; q < TestModels.Q; q++)
                    Assert.Equal(result[done - overlap + f, q], seen[w].Tokens[f * TestModels.Q + q]);
            done += seen[w].Frames - overlap;
        }
        Assert.Equal(50, done);
    }

    [Theory]
    [InlineData(100, 30, 8, 4, 10)] // first window a third of 30: 10 frames, 6 of them new
    [InlineData(100, 30, 8, 12, 13)] // a third is not more than the prompt: prompt + 1
    [InlineData(20, 30, 8, 4, 30)] // fits in one window: one full window
    public void A_short_first_window_starts_a_long_request_and_still_equals_the_single_pass(int frames, int window, int overlap, int prompt, int firstWindow)
    {
        var generator = TestModels.Generator(ContextFree);
        var request = TestModels.RandomRequest(new Random(frames + prompt), frames, prompt, separatePromptSemantic: true, seed: 3);
        Assert.Equal(firstWindow, LongFormGeneration.FirstWindowFrames(request, window));
        var options = new GenerationOptions { Temperature = 0, ConfidenceNoise = 0 };
        var pieces = LongFormGeneration.Windows(generator, request, window, overlap, options, null, CancellationToken.None, shortFirstWindow: true).ToList();
        Assert.Equal(0, pieces[0].FirstFrame);
        Assert.Equal(Math.Min(frames, firstWindow - prompt), pieces[0].Tokens.Frames);
        for (int w = 1; w < pieces.Count; w++) // each window, its prompt (the previous window's last frames) included, fits
            Assert.True(Math.Min(overlap, pieces[w - 1].Tokens.Frames) + pieces[w].Tokens.Frames <= window, $"window {w}");
        var joined = new CodeGrid(frames, TestModels.Q);
        foreach (var (first, tokens) in pieces) tokens.AsSpan().CopyTo(joined.Slice(first, tokens.Frames).AsSpan());
        Assert.Equal(generator.Generate(request, options), joined);
    }

    [Fact]
    public void Overlap_not_shorter_than_the_window_is_refused()
    {
        var generator = TestModels.Generator();
        var request = TestModels.RandomRequest(new Random(2), 40, 0, false);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => generator.GenerateLong(request, 10, 10));
        Assert.Contains("overlap must be in 0..9", e.Message);
    }

    /// <summary>Wraps a source and records each run's grid (frames, tokens) as handed to the network on its first call.</summary>
    private sealed class RecordingSource(ILogitsSource inner, List<(int Frames, long[] Tokens)> seen) : ILogitsSource
    {
        public int Codebooks => inner.Codebooks;
        public int LogitsWidth => inner.LogitsWidth;

        public ILogitsWorkspace CreateWorkspace(int batch, int frames) => new Recorder(inner.CreateWorkspace(batch, frames), seen);

        private sealed class Recorder(ILogitsWorkspace inner, List<(int, long[])> seen) : ForwardingWorkspace(inner)
        {
            private bool _recorded;

            public override void Run(long condition, CancellationToken cancellationToken)
            {
                if (!_recorded) seen.Add((Frames, Tokens.ToArray()));
                _recorded = true;
                base.Run(condition, cancellationToken);
            }
        }
    }
}
