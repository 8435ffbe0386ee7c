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
    /// <summary>Rounds of the three engines timed back to back (one in smoke mode).</summary>
    public const int Rounds = 3;

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

        // One engine at a time, alternating over rounds so that load drift on a shared machine hits every engine alike:
        // ONNX Runtime's idle pool threads and libtorch's OpenMP threads must not compete for the cores, so each round
        // opens and closes its ONNX Runtime sessions before libtorch runs.
        (double Wall, double Network, CodeGrid Tokens) TimePackage(bool quantized)
        {
            using var package = ModelPackage.Load(model.EnsurePackage(s.CacheDirectory, quantized));
            using var generator = new SoundStormGenerator(package, new SessionSettings { IntraOpThreads = threads });
            return Time(generator);
        }
        int rounds = s.Smoke ? 1 : Rounds;
        var ortRounds = new List<(double Wall, double Network, CodeGrid Tokens)>();
        var int8Rounds = new List<(double Wall, double Network, CodeGrid Tokens)>();
        var torchRounds = new List<(double Wall, double Network, CodeGrid Tokens)>();
        for (int r = 0; r < rounds; r++)
        {
            ortRounds.Add(TimePackage(quantized: false));
            int8Rounds.Add(TimePackage(quantized: true)); // the int8 package (pack --int8) of the same weights
            using (var torchGenerator = new SoundStormGenerator(new TorchSharpLogitsSource(torchModel), vocab))
                torchRounds.Add(Time(torchGenerator));
        }
        // Per-round ratios (the engines timed back to back), reported as the median with the spread over rounds.
        static (double Median, string Spread) Ratios(IEnumerable<double> values)
        {
            var sorted = values.Order().ToArray();
            return (sorted[sorted.Length / 2], $"median of {sorted.Length} rounds, range {sorted[0]:F3}–{sorted[^1]:F3}");
        }
        static double Median(IEnumerable<double> values) => values.Order().ElementAt(values.Count() / 2);
        var ort = (Wall: Median(ortRounds.Select(x => x.Wall)), Network: Median(ortRounds.Select(x => x.Network)), ortRounds[0].Tokens);
        var int8 = (Wall: Median(int8Rounds.Select(x => x.Wall)), Network: Median(int8Rounds.Select(x => x.Network)), int8Rounds[0].Tokens);
        var libtorch = (Wall: Median(torchRounds.Select(x => x.Wall)), Network: Median(torchRounds.Select(x => x.Network)), torchRounds[0].Tokens);
        var forward = Ratios(torchRounds.Zip(ortRounds, (t, o) => t.Network / o.Network));
        var generation = Ratios(torchRounds.Zip(ortRounds, (t, o) => t.Wall / o.Wall));
        var forward8 = Ratios(torchRounds.Zip(int8Rounds, (t, o) => t.Network / o.Network));
        var generation8 = Ratios(torchRounds.Zip(int8Rounds, (t, o) => t.Wall / o.Wall));
        string name = model.Name;
        yield return new("engines", name, seconds, "forward time, ONNX Runtime", ort.Network, "s", $"mean over a generation (the graph a CPU session opens: fused), threads={threads}, median of {rounds} rounds");
        yield return new("engines", name, seconds, "forward time, TorchSharp", libtorch.Network, "s", "eager libtorch, no_grad, same weights");
        yield return new("engines", name, seconds, "forward speed-up ORT vs TorchSharp", forward.Median, "×", forward.Spread);
        yield return new("engines", name, seconds, "generation speed-up ORT vs TorchSharp", generation.Median, "×", "same C# sampler and schedule; " + generation.Spread);
        yield return new("engines", name, seconds, "token agreement", TokenAgreement.Percent(ort.Tokens, libtorch.Tokens), "%", "greedy decoding, same seed");
        yield return new("engines", name, seconds, "forward time, ONNX Runtime int8", int8.Network, "s", "pack --int8 of the same weights");
        yield return new("engines", name, seconds, "forward speed-up ORT int8 vs TorchSharp", forward8.Median, "×", forward8.Spread);
        yield return new("engines", name, seconds, "generation speed-up ORT int8 vs TorchSharp", generation8.Median, "×", "same C# sampler and schedule; " + generation8.Spread);
        yield return new("engines", name, seconds, "token agreement int8 vs float32", TokenAgreement.Percent(int8.Tokens, ort.Tokens), "%", "greedy decoding, same seed");
    }
}
