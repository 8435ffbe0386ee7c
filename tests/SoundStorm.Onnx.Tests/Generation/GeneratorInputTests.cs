
namespace SoundStorm.Onnx.Tests.Generation;

public class GeneratorInputTests
{
    private const int Q = TestModels.Q, V = TestModels.V, K = TestModels.K;

    private static ArgumentException Fails(params GenerationRequest[] requests)
    {
        using var generator = TestModels.Generator();
        return Assert.ThrowsAny<ArgumentException>(() => generator.Start(requests));
    }

    [Fact]
    public void Semantic_token_out_of_range_names_request_field_and_index()
    {
        var e = Fails(new GenerationRequest([1, 2]), new GenerationRequest([0, K, 1]));
        Assert.Contains("Request 1", e.Message);
        Assert.Contains($"Semantic[1] = {K}", e.Message);
        Assert.Contains($"0..{K - 1}", e.Message);
        Assert.Contains("Semantic[0] = -1", Fails(new GenerationRequest([-1])).Message);
    }

    [Fact]
    public void Prompt_token_out_of_range_is_refused()
    {
        var prompt = new CodeGrid(2, Q);
        prompt[1, 2] = V;
        var e = Fails(new GenerationRequest([3, 4], prompt, [1, 2]));
        Assert.Contains("PromptAcoustic[1, 2]", e.Message);
        Assert.Contains("PromptSemantic[0] = 9", Fails(new GenerationRequest([1], new CodeGrid(1, Q), [9])).Message);
    }

    [Fact]
    public void Empty_input_is_refused()
    {
        Assert.Contains("empty", Fails(new GenerationRequest([])).Message);
        using var generator = TestModels.Generator();
        Assert.Throws<ArgumentException>(() => generator.Start(Array.Empty<GenerationRequest>()));
    }

    [Fact]
    public void Prompt_codes_without_their_semantic_tokens_are_refused()
    {
        var e = Fails(new GenerationRequest([1, 2, 3], new CodeGrid(3, Q)));
        Assert.Contains("PromptAcoustic is given without PromptSemantic", e.Message);
    }

    [Fact]
    public void Prompt_parts_must_agree()
    {
        Assert.Contains("must match", Fails(new GenerationRequest([1], new CodeGrid(2, Q), [1, 2, 3])).Message);
        Assert.Contains("without PromptAcoustic", Fails(new GenerationRequest([1], null, [1])).Message);
        Assert.Contains($"[frames, {Q}]", Fails(new GenerationRequest([1, 2, 3], new CodeGrid(1, Q + 1), [1])).Message);
    }

    [Theory]
    [InlineData(nameof(GenerationOptions.FirstLevelIterations))]
    [InlineData(nameof(GenerationOptions.TopK))]
    [InlineData(nameof(GenerationOptions.TopP))]
    [InlineData(nameof(GenerationOptions.Temperature))]
    [InlineData(nameof(GenerationOptions.IterationsPerLevel))]
    public void Options_out_of_range_are_named(string field)
    {
        var options = new GenerationOptions();
        switch (field)
        {
            case nameof(GenerationOptions.FirstLevelIterations): options.FirstLevelIterations = 0; break;
            case nameof(GenerationOptions.TopK): options.TopK = V + 1; break;
            case nameof(GenerationOptions.TopP): options.TopP = 0; break;
            case nameof(GenerationOptions.Temperature): options.Temperature = float.NaN; break;
            case nameof(GenerationOptions.IterationsPerLevel): options.IterationsPerLevel = [4, 1]; break;
        }
        using var generator = TestModels.Generator();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => generator.Start([new GenerationRequest([1])], options));
        Assert.Equal(field, e.ParamName);
    }

    [Fact]
    public void Iterations_per_level_override_the_defaults()
    {
        var source = new FakeLogitsSource(Q, V, TestModels.HashedLogits);
        using var generator = new SoundStormGenerator(source, TestModels.Vocab);
        generator.Generate(new GenerationRequest([1, 2, 3]), new GenerationOptions { IterationsPerLevel = [2, 3, 1] });
        Assert.Equal([0, 0, 1, 1, 1, 2], source.Calls);
    }

    [Fact]
    public void Stepping_a_finished_run_and_reading_an_unfinished_one_fail()
    {
        using var generator = TestModels.Generator();
        using var run = generator.Start([new GenerationRequest([1, 2])], new GenerationOptions { FirstLevelIterations = 1 });
        Assert.Throws<InvalidOperationException>(() => run.GetResult(0));
        while (!run.IsDone) run.Step();
        Assert.Throws<InvalidOperationException>(() => run.Step());
        Assert.Throws<ArgumentOutOfRangeException>(() => run.GetResult(1));
    }

    [Fact]
    public void Cancellation_stops_before_the_next_call()
    {
        var source = new FakeLogitsSource(Q, V, TestModels.HashedLogits);
        using var generator = new SoundStormGenerator(source, TestModels.Vocab);
        using var cts = new CancellationTokenSource();
        var progress = new MaskGitPropertyTests.SynchronousProgress(p => { if (p.Step == 3) cts.Cancel(); });
        Assert.Throws<OperationCanceledException>(() =>
            generator.Generate(new GenerationRequest([1, 2, 3]), null, progress, cts.Token));
        Assert.Equal(3, source.Calls.Count);
    }
}
