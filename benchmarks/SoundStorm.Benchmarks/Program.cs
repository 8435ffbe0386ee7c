using BenchmarkDotNet.Running;
using SoundStorm.Benchmarks.Scenarios;
using SoundStorm.Benchmarks.Scenarios.LongInput;
using SoundStorm.Benchmarks.Scenarios.Seed;
using SoundStorm.Benchmarks.Scenarios.Speech;
using SoundStorm.Benchmarks.Models;

namespace SoundStorm.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/SoundStorm.Benchmarks -- scenarios [--smoke] [--out DIR]</c> runs the
/// scenario table (<c>--models mid,paper</c>, <c>--durations 3,10,30</c> and <c>--maskgit-only</c> limit it); <c>scenarios --long-input SPEECH.wav</c> runs the long-input scenarios instead (chunking agreement,
/// peak memory and wall time by length, streaming latency); <c>scenarios --speak [--model DIR] [--prompt P.wav]</c> the
/// text-to-speech one (real-time factor of <c>speak</c>); <c>scenarios --seed</c> the seed family's samplers (time inside and
/// outside ONNX Runtime, the seed's default size with random weights, float32 and int8); <c>scenarios --int8-quality
/// [--model DIR] [--edges 0,1,2]</c> the int8 forms of a real package against its float32 transformer (logits, same-seed
/// tokens and forward time on the samples' speech, for each count of float32 edge blocks); <c>scenarios --spinning</c> only ONNX Runtime's threads sleeping vs spinning between operators (mid and seed, 10 s); <c>scenarios --attention</c> only
/// the standard-vs-fused transformer forwards, <c>scenarios --autoregressive</c> only the autoregressive decode steps;
/// <c>plots [--results DIR]</c> draws the figures from the results' CSV files; any other arguments go to BenchmarkDotNet's switcher.
/// </summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "plots")
        {
            foreach (string path in Plots.ResultPlots.Draw(Value(args, "--results") ?? BenchmarkPaths.ResultsDirectory)) Console.WriteLine(path);
            return 0;
        }
        if (args.Length > 0 && args[0] == "scenarios")
        {
            // Only the autoregressive decoders' sessions use it; every other session keeps its own threads.
            Scenarios.Autoregressive.DecoderThreads.CreateGlobalPool();
            bool smoke = args.Contains("--smoke");
            if (Value(args, "--provider") is { } provider) BenchmarkSessions.Provider = BenchmarkSessions.Parse(provider);
            string output = Value(args, "--out") ?? BenchmarkPaths.ResultsDirectory;
            if (Value(args, "--long-input") is { } speech)
            {
                LongInputRunner.Run(LongInput(args, speech), output);
                Console.WriteLine($"results → {output}");
                return 0;
            }
            if (args.Contains("--speak"))
            {
                string root = BenchmarkPaths.RepositoryRoot;
                var clock = System.Diagnostics.Stopwatch.StartNew();
                Directory.CreateDirectory(output);
                var rows = SpeakScenario.Run(Value(args, "--model") ?? Path.Combine(root, "models", "default"),
                    Value(args, "--prompt") ?? Path.Combine(root, "samples", "audio", "allison-en-new-extension.wav"), Console.WriteLine).ToList();
                foreach (var row in rows) Console.WriteLine($"{row.Metric}: {row.Value:G4} {row.Unit}");
                ScenarioReport.WriteTables(output, "speak", rows, clock.Elapsed, smoke: false);
                Console.WriteLine($"results → {output}");
                return 0;
            }
            if (args.Contains("--int8-quality"))
            {
                string root = BenchmarkPaths.RepositoryRoot, audio = Path.Combine(root, "samples", "audio");
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var edges = (Value(args, "--edges") ?? "0,1,2").Split(',').Select(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToList();
                var rows = Int8QualityScenario.Run(Value(args, "--model") ?? Path.Combine(root, "models", "default"),
                    [Path.Combine(audio, "allison-en-new-extension.wav"), Path.Combine(audio, "carlo-it-prompt.wav")], edges,
                    Path.Combine(BenchmarkPaths.CacheDirectory, "int8-quality"), Console.WriteLine).ToList();
                Directory.CreateDirectory(output);
                ScenarioReport.WriteTables(output, "int8-quality", rows, clock.Elapsed, smoke: false);
                Console.WriteLine($"results → {output}");
                return 0;
            }
            if (args.Contains("--seed"))
            {
                var seedSettings = new ScenarioSettings(smoke, output, BenchmarkPaths.CacheDirectory, Console.WriteLine);
                Directory.CreateDirectory(seedSettings.CacheDirectory);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var rows = SeedSamplerScenario.Run(seedSettings, smoke ? BenchmarkModel.SeedTiny : BenchmarkModel.SeedDefault, smoke ? 1 : 10)
                    .Select(row => { Console.WriteLine($"{row.Metric}: {row.Value:G4} {row.Unit}"); return row; }).ToList();
                Directory.CreateDirectory(output);
                ScenarioReport.WriteTables(output, "seed", rows, clock.Elapsed, smoke);
                Console.WriteLine($"results → {output}");
                return 0;
            }
            var settings = new ScenarioSettings(smoke, output, BenchmarkPaths.CacheDirectory, Console.WriteLine)
            {
                OnlyModels = Value(args, "--models")?.Split(',').ToHashSet(),
                OnlyDurations = Value(args, "--durations")?.Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray(),
                MaskGitOnly = args.Contains("--maskgit-only"),
            };
            if (args.Contains("--attention")) ScenarioRunner.RunAttention(settings);
            else if (args.Contains("--autoregressive")) ScenarioRunner.RunAutoregressive(settings);
            else if (args.Contains("--spinning")) ScenarioRunner.RunSpinning(settings);
            else ScenarioRunner.Run(settings);
            Console.WriteLine($"results → {output}");
            return 0;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }

    // scenarios --long-input SPEECH.wav [--prompt P.wav] [--model DIR] [--cli soundstorm.dll] [--lengths 30,120,300,600] [--parts agreement,memory,streaming]
    private static LongInputSettings LongInput(string[] args, string speech)
    {
        string root = BenchmarkPaths.RepositoryRoot;
        var lengths = (Value(args, "--lengths") ?? "30,120,300,600").Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var parts = (Value(args, "--parts") ?? string.Join(',', LongInputSettings.AllParts)).Split(',').ToHashSet();
        return new LongInputSettings(speech, Value(args, "--prompt") ?? Path.Combine(root, "samples", "audio", "carlo-it-prompt.wav"),
            Value(args, "--model") ?? Path.Combine(root, "models", "default"),
            Value(args, "--cli") ?? Path.Combine(root, "src", "SoundStorm.Cli", "bin", "Release", "net10.0", "soundstorm.dll"),
            lengths, parts, Path.Combine(Path.GetTempPath(), "soundstorm-long-input"), Console.WriteLine);
    }

    private static string? Value(string[] args, string name) => BenchmarkPaths.Value(args, name);
}
