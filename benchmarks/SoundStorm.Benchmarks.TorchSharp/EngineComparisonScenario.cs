using System.Diagnostics;
using SoundStorm.Benchmarks.Models;
using SoundStorm.Benchmarks.Scenarios;
using SoundStorm.Export.Acoustic;
using SoundStorm.Export.Checkpoints;
using SoundStorm.Onnx;
using SoundStorm.Onnx.Generation;
using SoundStorm.Trainer.Checkpoints;
using SoundStorm.Trainer.Paper;
using TorchSharp;

namespace SoundStorm.Benchmarks.TorchSharp;

/// <summary>
/// ONNX Runtime vs TorchSharp (eager libtorch) on the same weights and the same schedule: one forward, and one full
/// generation driven by the same C# sampler; also how many tokens the two engines agree on.
/// </summary>
internal static class EngineComparisonScenario
{
    public static IEnumerable<ScenarioResult> Run(ScenarioSettings s, BenchmarkModel model, double seconds, int threads = 2)
    {
        int frames = (int)(seconds * ScenarioSettings.FrameRate);
        torch.set_num_threads(threads);
        var weights = PaperStateDict.Random(model.Config, seed: 1); // the weights EnsurePackage wrote
        using var torchModel = new PaperAcousticModel(model.Config);
        StateDicts.Load(torchModel, weights.Names.ToDictionary(n => n, n => CheckpointTensor.FromFloat32(n, weights.Peek(n).Shape, weights.Peek(n).Data)), "random weights");
        torchModel.eval();

        var vocab = new TokenVocabulary(model.Config.Codebooks, model.Config.CodebookSize, model.Config.SemanticVocab, model.Config.MaskId);

        var rng = new Random(frames);
        var request = new GenerationRequest(Enumerable.Range(0, frames).Select(_ => (long)rng.Next(model.Config.SemanticVocab)).ToArray());
        var options = new GenerationOptions { Seed = 5, Temperature = 0, ConfidenceNoise = 0 }; // greedy: token agreement is meaningful

        (double Wall, double Network, CodeGrid Tokens) Time(SoundStormGenerator g)
        {
            g.Generate(new GenerationRequest(request.Semantic[..Math.Min(frames, 50)]), options); // warm-up
            long start = Stopwatch.GetTimestamp();
            using var run = g.Start([request], options);
            while (!run.IsDone) run.Step();
            return (Stopwatch.GetElapsedTime(start).TotalSeconds, run.NetworkTime.TotalSeconds / run.TotalSteps, run.GetResult(0));
        }

        // One engine at a time: ONNX Runtime's idle pool threads and libtorch's OpenMP threads must not compete for the cores.
        (double Wall, double Network, CodeGrid Tokens) ort;
        using (var package = ModelPackage.Load(model.EnsurePackage(s.CacheDirectory)))
        using (var ortGenerator = new SoundStormGenerator(package, new SessionSettings { IntraOpThreads = threads }))
            ort = Time(ortGenerator);
        (double Wall, double Network, CodeGrid Tokens) int8; // the int8 package (pack --int8) of the same weights
        using (var package = ModelPackage.Load(model.EnsurePackage(s.CacheDirectory, int8: true)))
        using (var ortGenerator = new SoundStormGenerator(package, new SessionSettings { IntraOpThreads = threads }))
            int8 = Time(ortGenerator);
        (double Wall, double Network, CodeGrid Tokens) libtorch;
        using (var torchGenerator = new SoundStormGenerator(new TorchSharpLogitsSource(torchModel), vocab))
            libtorch = Time(torchGenerator);
        static double Agreement(CodeGrid a, CodeGrid b)
        {
            ReadOnlySpan<long> x = a.AsSpan(), y = b.AsSpan();
            int agree = 0;
            for (int i = 0; i < x.Length; i++)
                if (x[i] == y[i]) agree++;
            return 100.0 * agree / x.Length;
        }
        string name = model.Name;
        yield return new("engines", name, seconds, "forward time, ONNX Runtime", ort.Network, "s", $"mean over a generation, threads={threads}");
        yield return new("engines", name, seconds, "forward time, TorchSharp", libtorch.Network, "s", "eager libtorch, no_grad, same weights");
        yield return new("engines", name, seconds, "forward speed-up ORT vs TorchSharp", libtorch.Network / ort.Network, "×");
        yield return new("engines", name, seconds, "generation speed-up ORT vs TorchSharp", libtorch.Wall / ort.Wall, "×", "same C# sampler and schedule");
        yield return new("engines", name, seconds, "token agreement", Agreement(ort.Tokens, libtorch.Tokens), "%", "greedy decoding, same seed");
        yield return new("engines", name, seconds, "forward time, ONNX Runtime int8", int8.Network, "s", "pack --int8 of the same weights");
        yield return new("engines", name, seconds, "forward speed-up ORT int8 vs TorchSharp", libtorch.Network / int8.Network, "×");
        yield return new("engines", name, seconds, "generation speed-up ORT int8 vs TorchSharp", libtorch.Wall / int8.Wall, "×", "same C# sampler and schedule");
        yield return new("engines", name, seconds, "token agreement int8 vs float32", Agreement(int8.Tokens, ort.Tokens), "%", "greedy decoding, same seed");
    }
}
