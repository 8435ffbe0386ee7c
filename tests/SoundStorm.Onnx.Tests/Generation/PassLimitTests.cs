using SoundStorm.Onnx.Generation.Graphs;

namespace SoundStorm.Onnx.Tests.Generation;

/// <summary>
/// Models whose position tables fix a one-pass length (the seed family's 20 s): a longer single pass is refused before
/// any network call with the limit named; windowed generation sizes its windows to fit.
/// </summary>
public class PassLimitTests
{
    private static (SoundStormGenerator Generator, List<int> Calls) Limited(int maxGenerated, int? maxPrompt = null)
    {
        var calls = new List<int>();
        var source = new GridRecorder(new FakeLogitsSource(TestModels.Q, TestModels.V, TestModels.HashedLogits), calls);
        return (new SoundStormGenerator(source, TestModels.Vocab) { Limits = new PassLimits(maxGenerated, maxPrompt, 50) }, calls);
    }

    [Fact]
    public void A_single_pass_beyond_the_limit_is_refused_before_running_naming_the_limit_and_the_length()
    {
        var (generator, calls) = Limited(100);
        var request = TestModels.RandomRequest(new Random(1), 150, 0, separatePromptSemantic: false);
        var e = Assert.Throws<ArgumentException>(() => generator.Generate(request));
        Assert.Contains("asks for 150 frames (3 s) in one pass", e.Message);
        Assert.Contains("at most 100 frames (2 s)", e.Message);
        Assert.Empty(calls);
        Assert.Equal(100, generator.MaxGeneratedFrames);
    }

    [Fact]
    public void A_prompt_beyond_the_prompt_limit_is_refused_naming_it()
    {
        var (generator, _) = Limited(100, maxPrompt: 10);
        var request = TestModels.RandomRequest(new Random(2), 30, 20, separatePromptSemantic: true);
        var e = Assert.Throws<ArgumentException>(() => generator.Generate(request));
        Assert.Contains("prompt of 20 frames (0.4 s)", e.Message);
        Assert.Contains("at most 10 frames (0.2 s)", e.Message);
    }

    [Fact]
    public void Default_windows_fit_the_limit_and_cover_an_input_three_times_longer()
    {
        var (generator, calls) = Limited(100, maxPrompt: 40);
        Assert.Equal(100, generator.DefaultWindowFrames);
        Assert.Equal(40, generator.DefaultOverlapFrames); // 3 s would be 150 frames: capped by the window and the prompt table
        var request = TestModels.RandomRequest(new Random(3), 300, 0, separatePromptSemantic: false);
        var progress = new List<GenerationProgress>();
        var tokens = generator.GenerateLong(request, new GenerationOptions { FirstLevelIterations = 2 }, new Recorder(progress));
        Assert.Equal(300, tokens.Frames);
        Assert.NotEmpty(calls);
        Assert.All(calls, frames => Assert.InRange(frames, 1, 100));
        // 100 new frames, then 60 new per window after a 40-frame prompt: 100 + 60·4 = 340 ≥ 300 → 5 windows.
        Assert.Equal(Enumerable.Range(0, 5), progress.Select(p => p.Window).Distinct());
        Assert.All(progress, p => Assert.Equal(5, p.Windows));
        Assert.Equal(1.0, progress[^1].OverallFraction, 9);
    }

    // Records the frames of every grid a run sets up (prompt included), i.e. what one pass would feed the network.
    private sealed class GridRecorder(ILogitsSource inner, List<int> frames) : ILogitsSource
    {
        public int Codebooks => inner.Codebooks;

        public int LogitsWidth => inner.LogitsWidth;

        public ILogitsWorkspace CreateWorkspace(int batch, int gridFrames)
        {
            frames.Add(gridFrames);
            return inner.CreateWorkspace(batch, gridFrames);
        }
    }

    private sealed class Recorder(List<GenerationProgress> into) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value) => into.Add(value);
    }
}
