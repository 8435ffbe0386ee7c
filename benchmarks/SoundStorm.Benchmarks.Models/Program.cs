using System.Globalization;
using System.Text.Json;

namespace SoundStorm.Benchmarks.Models;

/// <summary>
/// <c>SoundStorm.Benchmarks.Models COMMAND CACHE [ARGS]</c>: writes what the benchmark harness runs into the cache folder
/// CACHE (reusing what is there) and prints one JSON line saying where it is and the numbers the harness needs:
/// <list type="bullet">
/// <item><c>shape MODEL</c> (no CACHE): the model's shape and parameter count;</item>
/// <item><c>package MODEL [--int8]</c>: its random-weight package folder;</item>
/// <item><c>matmul ROWS INNER COLS</c>: the MatMul ceiling probe graph;</item>
/// <item><c>int8-forms ROWS INNER COLS</c>: the float32 MatMul and its three int8 forms;</item>
/// <item><c>autoregressive MODEL CAPACITY</c>: the autoregressive baseline's two graphs and rotary caches;</item>
/// <item><c>int8-package PACKAGE EDGES</c>: a real float32 package with its transformer quantised, EDGES float32 edge blocks.</item>
/// </list>
/// MODEL is paper, mid, tiny, seed-default or seed-tiny.
/// </summary>
public static class Program
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        if (args is ["shape", var model])
        {
            Console.WriteLine(JsonSerializer.Serialize(Shape(model), Json));
            return 0;
        }
        if (args.Length < 3)
        {
            Console.Error.WriteLine("usage: SoundStorm.Benchmarks.Models shape|package|matmul|int8-forms|autoregressive|int8-package CACHE ARGS");
            return 2;
        }
        string cache = args[1];
        Directory.CreateDirectory(cache);
        int Int(int i) => int.Parse(args[i], CultureInfo.InvariantCulture);
        object result = args[0] switch
        {
            "package" => new { Path = Package(args[2], cache, args.Contains("--int8")) },
            "matmul" => new { Path = ProbeGraphs.MatMul(cache, Int(2), Int(3), Int(4)) },
            "int8-forms" => new { Paths = ProbeGraphs.Int8Forms(cache, Int(2), Int(3), Int(4)) },
            "autoregressive" => AutoregressiveBaseline.Write(cache, Paper(args[2]), Int(3)),
            "int8-package" => new { Path = Int8Packages.Write(cache, args[2], Int(3)) },
            _ => throw new ArgumentException($"Unknown command '{args[0]}'."),
        };
        Console.WriteLine(JsonSerializer.Serialize(result, Json));
        return 0;
    }

    private static object Shape(string model)
    {
        if (SeedBenchmarkModels.Shapes.TryGetValue(model, out var seed))
            return new { seed.Codebooks, seed.CodebookSize, seed.SemanticVocab, seed.Dim, seed.Layers, seed.Heads, Combiner = "unet" };
        var m = Paper(model);
        var c = m.Config;
        return new
        {
            c.Dim, c.Layers, c.Heads, c.FeedForward, c.Codebooks, c.CodebookSize, c.SemanticVocab, c.ConvKernel,
            Combiner = c.Combiner.ToString(), m.Parameters,
        };
    }

    private static string Package(string model, string cache, bool int8) =>
        SeedBenchmarkModels.Shapes.ContainsKey(model) ? SeedBenchmarkModels.EnsurePackage(model, cache, int8) : Paper(model).EnsurePackage(cache, int8);

    private static BenchmarkModel Paper(string model) =>
        new[] { BenchmarkModel.Paper, BenchmarkModel.Mid, BenchmarkModel.Tiny }.FirstOrDefault(m => m.Name == model)
        ?? throw new ArgumentException($"Unknown model '{model}': paper, mid, tiny, {string.Join(" or ", SeedBenchmarkModels.Shapes.Keys)}.");
}
