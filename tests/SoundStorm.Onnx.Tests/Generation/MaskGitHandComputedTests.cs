namespace SoundStorm.Onnx.Tests.Generation;

/// <summary>A tiny model whose kept tokens per step follow by hand from the algorithm.</summary>
public class MaskGitHandComputedTests
{
    private const int Q = 2, V = 10;
    private const long Mask = V;
    private static readonly float[] Strength = [0.5f, 3f, 1f, 2f];

    /// <summary>
    /// Level 0: frame f puts logit <c>Strength[f]</c> on token (f + number of level-0 tokens already known) mod V, 0 elsewhere,
    /// so the frame with the larger strength is the more confident. Level 1: frame f puts logit 5 on (level-0 token + 1) mod V.
    /// </summary>
    private static void Model(ReadOnlySpan<long> rowTokens, ReadOnlySpan<long> rowSemantic, int frame, int level, Span<float> logits)
    {
        logits.Clear();
        if (level == 0)
        {
            int known = 0;
            for (int f = 0; f < rowSemantic.Length; f++) if (rowTokens[f * Q] != Mask) known++;
            logits[(frame + known) % V] = Strength[frame];
        }
        else
        {
            logits[(int)((rowTokens[frame * Q] + 1) % V)] = 5f;
        }
    }

    [Fact]
    public void Greedy_run_reveals_the_most_confident_frame_each_iteration()
    {
        // Schedule for T = 4, n = 4: still masked 3, 2, 1, 0 → one frame revealed per iteration, in order of strength:
        // it 1: frame 1 (3.0), known 0 → token 1;  it 2: frame 3 (2.0), known 1 → token 4;
        // it 3: frame 2 (1.0), known 2 → token 4;  it 4: frame 0 (0.5), known 3 → token 3.
        // Level 1 (one greedy pass): token0 + 1 → [4, 2, 5, 5].
        var source = new FakeLogitsSource(Q, V, Model);
        using var generator = new SoundStormGenerator(source, new TokenVocabulary(Q, V, 5, Mask));
        var options = new GenerationOptions { FirstLevelIterations = 4, Temperature = 0, ConfidenceNoise = 0 };
        using var run = generator.Start([new GenerationRequest([0, 1, 2, 3])], options);
        long[][] expectedLevel0 =
        [
            [Mask, 1, Mask, Mask],
            [Mask, 1, Mask, 4],
            [Mask, 1, 4, 4],
            [3, 1, 4, 4],
        ];
        foreach (var expected in expectedLevel0)
        {
            run.Step();
            var grid = run.CurrentTokens;
            Assert.Equal(expected, new[] { grid[0], grid[2], grid[4], grid[6] });
        }
        run.Step();
        Assert.True(run.IsDone);
        Assert.Equal(new CodeGrid([3, 4, 1, 2, 4, 5, 4, 5], Q), run.GetResult(0));
    }

    [Fact]
    public void Prompt_frames_shift_nothing_but_count_as_known_context()
    {
        // One prompt frame [7, 7]; the model sees it as a known level-0 token, so every target is shifted by one more.
        // Generated frames 1..3 use strengths 3, 1, 2 → order frame 1, 3, 2 with known = 1, 2, 3.
        // Schedule T = 3, n = 3: still masked 2 (3·cos(π/6) = 2.6), then 1 (3·0.5 = 1.5), then 0.
        var source = new FakeLogitsSource(Q, V, Model);
        using var generator = new SoundStormGenerator(source, new TokenVocabulary(Q, V, 5, Mask));
        var options = new GenerationOptions { FirstLevelIterations = 3, Temperature = 0, ConfidenceNoise = 0 };
        var result = generator.Generate(new GenerationRequest([1, 2, 3], new CodeGrid([7, 7], Q), [0]), options);
        // it 1: frame 1 → (1 + 1) = 2; it 2: frame 3 → (3 + 2) = 5; it 3: frame 2 → (2 + 3) = 5.
        Assert.Equal(new CodeGrid([2, 3, 5, 6, 5, 6], Q), result);
    }
}
