namespace SoundStorm.Onnx.Tests.Hardening;

/// <summary>Cancellation mid-generation and a throwing progress callback leave the generator usable and unchanged.</summary>
public sealed class FailureAndCancellationTests : IDisposable
{
    private readonly TinyPackage _tiny = new(32);

    public void Dispose() => _tiny.Dispose();

    private static GenerationRequest Request => new(Enumerable.Range(0, 12).Select(i => (long)(i % TinyModel.K)).ToArray(), seed: 77);

    [Fact]
    public void Cancelling_mid_generation_stops_within_one_step_and_leaves_the_generator_usable()
    {
        using var generator = new SoundStormGenerator(_tiny.Package);
        var expected = generator.Generate(Request);
        using var cancel = new CancellationTokenSource();
        int stepsAfterCancel = 0;
        var progress = new Inline(p =>
        {
            if (cancel.IsCancellationRequested) stepsAfterCancel++;
            if (p.Step == 5) cancel.Cancel(); // cancelled between steps 5 and 6
        });
        Assert.ThrowsAny<OperationCanceledException>(() => generator.Generate(Request, progress: progress, cancellationToken: cancel.Token));
        Assert.True(stepsAfterCancel <= 1, $"{stepsAfterCancel} steps ran after cancellation");
        Assert.Equal(expected, generator.Generate(Request));
    }

    [Fact]
    public void A_throwing_progress_callback_propagates_and_corrupts_nothing()
    {
        using var generator = new SoundStormGenerator(_tiny.Package);
        var expected = generator.Generate(Request);
        var e = Assert.Throws<InvalidOperationException>(() => generator.Generate(Request, progress: new Inline(p =>
        {
            if (p.Step == 3) throw new InvalidOperationException("callback failed");
        })));
        Assert.Equal("callback failed", e.Message);
        Assert.Equal(expected, generator.Generate(Request));
    }

    private sealed class Inline(Action<GenerationProgress> action) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value) => action(value);
    }
}
