using SoundStorm.Onnx.Generation.Diffusion;

namespace SoundStorm.Onnx.Tests.Generation.Diffusion;

/// <summary>The seed diffusion sampler driven by a fake all-codebook model.</summary>
public class DiffusionSamplerTests
{
    private const int Q = 2, V = 6, C = 8, K = 5; // C = V codes + 2 pad classes; the mask id is C
    private const long Mask = C;

    internal static void Hashed(ReadOnlySpan<long> rowTokens, ReadOnlySpan<long> rowSemantic, int frame, int step, Span<float> logits)
    {
        ulong h = (ulong)(rowSemantic[frame] + 1) * 0x9E3779B97F4A7C15UL ^ (ulong)step * 0xC2B2AE3D27D4EB4FUL;
        for (int q = 0; q < Q; q++) h = (h ^ (ulong)rowTokens[frame * Q + q]) * 0x100000001B3UL;
        for (int i = 0; i < logits.Length; i++)
        {
            h ^= h >> 29;
            h *= 0xBF58476D1CE4E5B9UL;
            h ^= h >> 32;
            logits[i] = (h % 1000) / 200f;
        }
    }

    private static (SoundStormGenerator Generator, FakeLogitsSource Source) Create(FrameLogits? logits = null)
    {
        var source = new FakeLogitsSource(Q, Q * C, logits ?? Hashed);
        return (new SoundStormGenerator(source, new TokenVocabulary(Q, V, K, Mask), ModelFamilies.SeedDiffusion), source);
    }

    private static GenerationRequest Request(int seed, int frames, int prompt = 0)
    {
        var random = new Random(seed);
        var semantic = Enumerable.Range(0, frames + prompt).Select(_ => (long)random.Next(K)).ToArray();
        CodeGrid? promptCodes = prompt == 0 ? null : new CodeGrid(prompt, Q);
        for (int f = 0; f < prompt; f++) for (int q = 0; q < Q; q++) promptCodes![f, q] = random.Next(V);
        return TestModels.LeadingPrompt(semantic, promptCodes);
    }

    [Fact]
    public void Purity_sampler_reveals_the_scheduled_count_per_step_and_keeps_revealed_tokens()
    {
        var (generator, source) = Create();
        using var _ = generator;
        var request = Request(1, 7, prompt: 2); // P = 14 positions: one reveal at each of t = 99..86, then the t = 0 redraw
        using var run = generator.Start([request], new GenerationOptions { Seed = 3 });
        var counts = PurityRevealSchedule.Counts(14);
        Assert.Equal(15, run.TotalSteps);
        var previous = run.CurrentTokens.ToArray();
        int revealed = 0;
        while (!run.IsDone)
        {
            var p = run.Step();
            var now = run.CurrentTokens.ToArray();
            if (p.Iteration == 0) break;
            revealed += counts[p.Iteration];
            int masked = 0;
            for (int i = 2 * Q; i < 9 * Q; i++)
            {
                if (now[i] == Mask) masked++;
                else
                {
                    Assert.InRange(now[i], 0, V - 1); // pads and mask are never revealed
                    if (previous[i] != Mask) Assert.Equal(previous[i], now[i]);
                }
            }
            Assert.Equal(14 - revealed, masked);
            previous = now;
        }
        Assert.Equal(Enumerable.Range(86, 14).Reverse().Select(t => (long)t).Append(0), source.Calls);
        var result = run.GetResult(0);
        foreach (long token in result.AsSpan()) Assert.InRange(token, 0, V - 1);
        Assert.Equal(request.PromptAcoustic![1, 1], run.CurrentTokens[1 * Q + 1]);
    }

    [Theory]
    [InlineData(1, 51)]
    [InlineData(4, 21)]
    public void Skip_step_sampler_makes_the_upstream_number_of_calls(int skip, int calls)
    {
        var (generator, source) = Create();
        using var _ = generator;
        var result = generator.Generate(Request(2, 30), new GenerationOptions { DiffusionSkipSteps = skip });
        Assert.Equal(calls, source.Calls.Count);
        Assert.Equal(99, source.Calls[0]);
        Assert.Equal(0, source.Calls[^1]);
        foreach (long token in result.AsSpan()) Assert.InRange(token, 0, V - 1);
    }

    [Fact]
    public void Long_requests_use_about_P_over_98_reveals_per_step_in_100_calls()
    {
        var (generator, source) = Create();
        using var _ = generator;
        var result = generator.Generate(Request(3, 80), new GenerationOptions()); // P = 160 > 100
        Assert.Equal(100, source.Calls.Count);
        foreach (long token in result.AsSpan()) Assert.InRange(token, 0, V - 1);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Batched_equals_one_by_one_and_seeds_reproduce(int skip)
    {
        var (generator, _) = Create();
        using var __ = generator;
        GenerationRequest[] requests = [Request(4, 9), Request(5, 3, prompt: 2), Request(6, 60)];
        var options = new GenerationOptions { Seed = 21, DiffusionSkipSteps = skip };
        var batched = generator.Generate(requests, options);
        for (int b = 0; b < requests.Length; b++)
        {
            var r = requests[b];
            var alone = generator.Generate(new GenerationRequest(r.Semantic, r.PromptAcoustic, r.PromptSemantic, 21 + (ulong)b), options);
            Assert.Equal(alone, batched[b]);
        }
        Assert.Equal(batched, generator.Generate(requests, options));
        options.Seed = 22;
        Assert.NotEqual(batched[2], generator.Generate(requests, options)[2]);
    }

    [Fact]
    public void Confident_model_yields_its_argmax_whatever_the_seed()
    {
        // One class per position far above the rest: top-r keeps only it, so every draw must return it.
        static void Peaked(ReadOnlySpan<long> rowTokens, ReadOnlySpan<long> rowSemantic, int frame, int step, Span<float> logits)
        {
            logits.Clear();
            for (int q = 0; q < Q; q++) logits[q * C + (frame * 3 + q) % V] = 40f;
        }
        var (generator, _) = Create(Peaked);
        using var __ = generator;
        foreach (int skip in new[] { 0, 3 })
            foreach (ulong seed in new ulong[] { 1, 2 })
            {
                var result = generator.Generate(Request(7, 5), new GenerationOptions { Seed = seed, DiffusionSkipSteps = skip });
                for (int f = 0; f < 5; f++)
                    for (int q = 0; q < Q; q++) Assert.Equal((f * 3 + q) % V, result[f, q]);
            }
    }

    [Fact]
    public void Diffusion_options_are_validated()
    {
        var (generator, _) = Create();
        using var __ = generator;
        Assert.Equal(nameof(GenerationOptions.DiffusionSkipSteps), Assert.Throws<ArgumentOutOfRangeException>(() =>
            generator.Start([Request(8, 3)], new GenerationOptions { DiffusionSkipSteps = 99 })).ParamName);
        Assert.Equal(nameof(GenerationOptions.DiffusionTruncation), Assert.Throws<ArgumentOutOfRangeException>(() =>
            generator.Start([Request(8, 3)], new GenerationOptions { DiffusionTruncation = 0 })).ParamName);
    }
}
