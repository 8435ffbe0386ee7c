using System.Diagnostics;
using SoundStorm.Benchmarks.Models;
using SoundStorm.Benchmarks.Scenarios;
using SoundStorm.Export.Acoustic;
using SoundStorm.Export.Checkpoints;
using SoundStorm.Onnx;
using SoundStorm.Onnx.Generation;
using SoundStorm.Onnx.Packages;
using SoundStorm.Trainer.Checkpoints;
using SoundStorm.Trainer.Seed;
using TorchSharp;

namespace SoundStorm.Benchmarks.TorchSharp;

/// <summary>
/// The seed family on both engines with the same random weights, the same C# diffusion samplers and seeds: ONNX
/// Runtime (float32 and int8 packages) against TorchSharp eager, on a 3 s prompt and a 10 s target — wall time per
/// generation for the fast skip-step sampler and the purity sampler, and how many tokens the engines agree on.
/// </summary>
internal static class SeedEngineComparisonScenario
{
    public static IEnumerable<ScenarioResult> Run(ScenarioSettings s, string model, double seconds, int threads = 2)
    {
        torch.set_num_threads(threads);
        var c = SeedBenchmarkModels.Shapes[model];
        var weights = SeedStateDict.Random(c, seed: 1); // the weights EnsurePackage wrote
        using var torchModel = new SeedDiffusionTransformer(c);
        // Every weight the graphs were written from; the rest of the state dict (index buffers, and upstream's target
        // acoustic position table, which the forward never reads) stays as the module made it.
        var stored = weights.Names.ToDictionary(n => n, n => CheckpointTensor.FromFloat32(n, weights.Peek(n).Shape, weights.Peek(n).Data));
        foreach (var (key, tensor) in torchModel.state_dict())
            if (stored.TryGetValue(key, out var value)) StateDicts.CopyInto(tensor, value, "random weights");
        torchModel.eval();

        var request = Request(c, (int)((s.Smoke ? 0.5 : 3) * ScenarioSettings.FrameRate), (int)(seconds * ScenarioSettings.FrameRate));
        var samplers = new[] { ("fast, skip 4", 4), ("purity", 0) };

        (double Wall, CodeGrid Tokens)[] Time(SoundStormGenerator g)
        {
            g.Generate(Request(c, 10, 20), new GenerationOptions { DiffusionSkipSteps = 24 }); // warm-up
            return [.. samplers.Select(sampler =>
            {
                long start = Stopwatch.GetTimestamp();
                var tokens = g.Generate(request, new GenerationOptions { Seed = 1, DiffusionSkipSteps = sampler.Item2 });
                return (Stopwatch.GetElapsedTime(start).TotalSeconds, tokens);
            })];
        }

        // One engine at a time: ONNX Runtime's idle pool threads and libtorch's OpenMP threads must not compete for the cores.
        (double Wall, CodeGrid Tokens)[] ort, int8, libtorch;
        using (var package = ModelPackage.Load(SeedBenchmarkModels.EnsurePackage(model, s.CacheDirectory)))
        using (var generator = new SoundStormGenerator(package, new SessionSettings { IntraOpThreads = threads }))
            ort = Time(generator);
        using (var package = ModelPackage.Load(SeedBenchmarkModels.EnsurePackage(model, s.CacheDirectory, int8: true)))
        using (var generator = new SoundStormGenerator(package, new SessionSettings { IntraOpThreads = threads }))
            int8 = Time(generator);
        var vocab = new TokenVocabulary(c.Codebooks, c.CodebookSize, c.SemanticVocab, c.MaskId);
        using (var generator = new SoundStormGenerator(new TorchSharpSeedLogitsSource(torchModel), vocab, ModelFamilies.SeedDiffusion))
            libtorch = Time(generator);

        string name = model, how = $"3 s prompt, same seed, threads={threads}";
        for (int i = 0; i < samplers.Length; i++)
        {
            string sampler = samplers[i].Item1;
            yield return new("engines seed", name, seconds, $"{sampler}: wall time, ONNX Runtime", ort[i].Wall, "s", how);
            yield return new("engines seed", name, seconds, $"{sampler}: wall time, ONNX Runtime int8", int8[i].Wall, "s", how);
            yield return new("engines seed", name, seconds, $"{sampler}: wall time, TorchSharp", libtorch[i].Wall, "s", "eager libtorch, no_grad, same weights");
            yield return new("engines seed", name, seconds, $"{sampler}: speed-up ORT vs TorchSharp", libtorch[i].Wall / ort[i].Wall, "×", "same C# sampler and seeds");
            yield return new("engines seed", name, seconds, $"{sampler}: speed-up ORT int8 vs TorchSharp", libtorch[i].Wall / int8[i].Wall, "×", "same C# sampler and seeds");
            yield return new("engines seed", name, seconds, $"{sampler}: token agreement ORT vs TorchSharp", TokenAgreement.Percent(ort[i].Tokens, libtorch[i].Tokens), "%",
                "the same draws from logits equal to float rounding");
        }
    }

    private static GenerationRequest Request(SeedModelConfig c, int promptFrames, int frames)
    {
        var rng = new Random(frames);
        long[] Semantic(int n) => [.. Enumerable.Range(0, n).Select(_ => (long)rng.Next(c.SemanticVocab))];
        var prompt = new CodeGrid(promptFrames, c.Codebooks);
        for (int f = 0; f < promptFrames; f++)
            for (int q = 0; q < c.Codebooks; q++) prompt[f, q] = rng.Next(c.CodebookSize);
        return new GenerationRequest(Semantic(frames), prompt, Semantic(promptFrames));
    }
}
