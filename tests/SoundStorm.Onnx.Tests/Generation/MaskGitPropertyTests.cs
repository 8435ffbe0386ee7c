using SoundStorm.Onnx.Generation.MaskGit;

namespace SoundStorm.Onnx.Tests.Generation;

/// <summary>Properties of the MaskGIT loop over many random batches (fake model, real sampler).</summary>
public class MaskGitPropertyTests
{
    private const int Q = TestModels.Q, V = TestModels.V;
    private const long Mask = TestModels.Mask;

    public static TheoryData<int> Cases => [.. Enumerable.Range(0, 12)];

    private static (GenerationRequest[] Requests, GenerationOptions Options) RandomCase(int seed)
    {
        var random = new Random(seed);
        var requests = new GenerationRequest[random.Next(1, 4)];
        for (int b = 0; b < requests.Length; b++)
            requests[b] = TestModels.RandomRequest(random, random.Next(1, 30), random.Next(0, 6), random.Next(2) == 0);
        var options = new GenerationOptions
        {
            FirstLevelIterations = random.Next(1, 10),
            FinerLevelIterations = random.Next(1, 3),
            Temperature = (float)random.NextDouble() * 2,
            AnnealTemperature = random.Next(2) == 0,
            ConfidenceNoise = random.Next(3),
            TopK = random.Next(0, V),
            TopP = random.Next(2) == 0 ? 1f : 0.5f + (float)random.NextDouble() / 2,
            GreedyFinerLevels = random.Next(2) == 0,
            Seed = (ulong)random.NextInt64(),
        };
        return (requests, options);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_step_follows_the_schedule_and_levels_finish_in_order(int seed)
    {
        var (requests, options) = RandomCase(seed);
        using var generator = TestModels.Generator();
        using var run = generator.Start(requests, options);
        int frames = run.Frames;
        var prompts = new int[requests.Length];
        for (int b = 0; b < requests.Length; b++) prompts[b] = requests[b].PromptFrames;
        int steps = 0;
        while (!run.IsDone)
        {
            var p = run.Step();
            steps++;
            Assert.Equal(steps, p.Step);
            var grid = run.CurrentTokens;
            for (int b = 0; b < requests.Length; b++)
            {
                int gen = requests[b].Semantic.Length;
                for (int q = 0; q < Q; q++)
                {
                    int masked = 0;
                    for (int f = prompts[b]; f < prompts[b] + gen; f++)
                        if (grid[(b * frames + f) * Q + q] == Mask) masked++;
                    int expected = q < p.Level ? 0 : q > p.Level ? gen : CosineMaskSchedule.StillMasked(gen, p.Iteration, p.IterationsInLevel);
                    Assert.Equal(expected, masked);
                }
            }
        }
        Assert.Equal(run.TotalSteps, steps);
        Assert.Equal(options.FirstLevelIterations + (Q - 1) * options.FinerLevelIterations, steps);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Output_is_real_codes_and_the_prompt_is_untouched(int seed)
    {
        var (requests, options) = RandomCase(seed);
        using var generator = TestModels.Generator();
        using var run = generator.Start(requests, options);
        while (!run.IsDone) run.Step();
        for (int b = 0; b < requests.Length; b++)
        {
            var result = run.GetResult(b);
            int tp = requests[b].PromptFrames;
            Assert.Equal(requests[b].Semantic.Length, result.Frames);
            Assert.Equal(Q, result.Codebooks);
            foreach (long token in result.AsSpan()) Assert.InRange(token, 0, V - 1);
            for (int f = 0; f < tp; f++)
                for (int q = 0; q < Q; q++)
                    Assert.Equal(requests[b].PromptAcoustic![f, q], run.CurrentTokens[(b * run.Frames + f) * Q + q]);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Batched_requests_give_the_same_tokens_as_one_by_one(int seed)
    {
        var (requests, options) = RandomCase(seed + 100);
        using var generator = TestModels.Generator();
        var batched = generator.Generate(requests, options);
        for (int b = 0; b < requests.Length; b++)
        {
            var r = requests[b];
            var alone = generator.Generate(new GenerationRequest(r.Semantic, r.PromptAcoustic, r.PromptSemantic, options.Seed + (ulong)b), options);
            Assert.Equal(alone, batched[b]);
        }
    }

    [Fact]
    public void Same_seed_same_tokens_other_seed_other_tokens()
    {
        var random = new Random(3);
        var request = TestModels.RandomRequest(random, 40, 3, false);
        using var generator = TestModels.Generator();
        var options = new GenerationOptions { Seed = 99 };
        var first = generator.Generate(request, options);
        Assert.Equal(first, generator.Generate(request, options));
        options.Seed = 100;
        Assert.NotEqual(first, generator.Generate(request, options));
    }

    [Fact]
    public void Request_seed_overrides_the_options_seed()
    {
        var random = new Random(4);
        var r = TestModels.RandomRequest(random, 25, 0, false);
        using var generator = TestModels.Generator();
        var viaOptions = generator.Generate(r, new GenerationOptions { Seed = 7 });
        var viaRequest = generator.Generate(new GenerationRequest(r.Semantic, seed: 7), new GenerationOptions { Seed = 12345 });
        Assert.Equal(viaOptions, viaRequest);
    }

    [Fact]
    public void Default_options_make_16_plus_one_call_per_finer_level_and_report_each()
    {
        var source = new FakeLogitsSource(Q, V, TestModels.HashedLogits);
        using var generator = new SoundStormGenerator(source, TestModels.Vocab);
        var reports = new List<GenerationProgress>();
        generator.Generate(TestModels.RandomRequest(new Random(5), 20, 0, false), null, new SynchronousProgress(reports.Add));
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2], source.Calls);
        Assert.Equal(18, reports.Count);
        Assert.Equal(Enumerable.Range(1, 18), reports.Select(r => r.Step));
        Assert.All(reports, r => Assert.Equal(18, r.TotalSteps));
        Assert.Equal(1.0, reports[^1].Fraction);
    }

    internal sealed class SynchronousProgress(Action<GenerationProgress> report) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value) => report(value);
    }
}
