using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace SoundStorm.Cli.Tests;

/// <summary>
/// <c>pack --int8</c> on the shipped model: the manifest records which graph is quantised, and the int8 transformer
/// stays close to the float32 one on real speech — logits per level, and the tokens of a same-seed generation. The
/// bounds sit below what was measured (see BENCHMARKS.md) with room for other CPUs' kernels, not at zero.
/// </summary>
[Collection("console")]
public sealed class Int8PackageTests(ITestOutputHelper output) : IDisposable
{
    private const long MaskId = 1024;
    private readonly string _dir = Paths.NewTemp();
    private static readonly string Default = Path.Combine(Paths.RepositoryRoot(), "models", "default");
    private static readonly string Speech = Path.Combine(Paths.RepositoryRoot(), "samples", "audio", "allison-en-new-extension.wav");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // What the manifest records for the default form: int8, with the edge blocks' feed-forward and convolution in float32.
    private static readonly string DefaultScheme = $"int8-dynamic/float-edges-{Int8Graphs.DefaultFloatEdgeBlocks}";

    private string PackInt8(params string[] options)
    {
        var pack = CliRunner.Run(["pack", "--acoustic", Default, "--int8", .. options, "--name", "default-int8", "--out", $"{_dir}/int8"]);
        Assert.True(pack.Code == 0, pack.Error);
        return $"{_dir}/int8";
    }

    [Fact]
    public void Int8_package_records_its_quantised_transformer_and_older_manifests_read_as_float()
    {
        string int8 = PackInt8();
        using var package = ModelPackage.Load(int8);
        Assert.Equal(DefaultScheme, WrittenManifest.Of(package).Graphs[GraphNames.Transformer].Quantization);
        Assert.All(WrittenManifest.Of(package).Graphs.Where(g => g.Key != GraphNames.Transformer), g => Assert.Null(g.Value.Quantization));
        Assert.Contains($"\"quantization\": \"{DefaultScheme}\"", File.ReadAllText($"{int8}/manifest.json"));
        Assert.True(new FileInfo($"{int8}/transformer.onnx").Length < 0.75 * new FileInfo($"{Default}/transformer.onnx").Length);
        using var original = ModelPackage.Load(Default); // written before the field existed
        Assert.All(WrittenManifest.Of(original).Graphs.Values, g => Assert.Null(g.Quantization));

        var info = CliRunner.Run("info", "--model", int8);
        Assert.Equal(0, info.Code);
        Assert.Contains($"transformer.onnx ({DefaultScheme})", info.Out);
    }

    [Fact]
    public void Zero_float_edges_quantise_every_block_and_the_option_is_checked()
    {
        string int8 = PackInt8("--int8-float-edges", "0");
        using (var package = ModelPackage.Load(int8))
            Assert.Equal("int8-dynamic", WrittenManifest.Of(package).Graphs[GraphNames.Transformer].Quantization);
        Assert.True(new FileInfo($"{int8}/transformer.onnx").Length < 0.6 * new FileInfo($"{Default}/transformer.onnx").Length);

        var negative = CliRunner.Run("pack", "--acoustic", Default, "--int8", "--int8-float-edges", "-1", "--out", $"{_dir}/bad");
        Assert.NotEqual(0, negative.Code);
        Assert.Contains("--int8-float-edges must be 0 or more, found -1", negative.Error);
        var alone = CliRunner.Run("pack", "--acoustic", Default, "--int8-float-edges", "2", "--out", $"{_dir}/bad");
        Assert.NotEqual(0, alone.Code);
        Assert.Contains("--int8-float-edges needs --int8", alone.Error);
    }

    [Fact]
    public void Importer_fragment_is_quantised_in_place_and_packs_as_int8()
    {
        // What 'import seed-soundstorm --int8' does to the folder it wrote: here a fragment of the shipped graphs.
        Directory.CreateDirectory($"{_dir}/acoustic");
        foreach (string file in new[] { "combiner.onnx", "transformer.onnx" }) File.Copy($"{Default}/{file}", $"{_dir}/acoustic/{file}");
        File.WriteAllText($"{_dir}/acoustic/fragment.json", """
            { "modelFamily": "maskgit", "codebooks": 4, "codebookSize": 1024, "semanticVocabulary": 100, "maskTokenId": 1024,
              "graphs": { "combiner": "combiner.onnx", "transformer": "transformer.onnx" } }
            """);
        Int8Graphs.QuantizeInPlace($"{_dir}/acoustic");

        Assert.Equal(File.ReadAllBytes($"{Default}/combiner.onnx"), File.ReadAllBytes($"{_dir}/acoustic/combiner.onnx"));
        var pack = CliRunner.Run("pack", "--acoustic", $"{_dir}/acoustic", "--float16-weights", "--out", $"{_dir}/package");
        Assert.True(pack.Code == 0, pack.Error);
        using var package = ModelPackage.Load($"{_dir}/package");
        Assert.Equal(DefaultScheme, WrittenManifest.Of(package).Graphs[GraphNames.Transformer].Quantization);
        Assert.Null(WrittenManifest.Of(package).Graphs[GraphNames.Combiner].Quantization);
    }

    [Fact]
    public void Int8_transformer_logits_agree_with_float32_on_real_speech()
    {
        string int8 = PackInt8();
        Assert.Equal(0, CliRunner.Run("tokenize", "--in", Speech, "--out", $"{_dir}/s.npy").Code);
        Assert.Equal(0, CliRunner.Run("encode", "--in", Speech, "--out", $"{_dir}/codes.npy").Code);
        long[] semantic = NpyFile.Read($"{_dir}/s.npy").ToInt64();
        long[] codes = NpyFile.Read($"{_dir}/codes.npy").ToInt64();
        int frames = Math.Min(semantic.Length, codes.Length / 4);

        using var combiner = new InferenceSession($"{Default}/combiner.onnx");
        using var float32 = new InferenceSession($"{Default}/transformer.onnx");
        using var quantised = new InferenceSession($"{int8}/transformer.onnx");
        for (int level = 0; level < 4; level++)
        {
            // A mid-generation step: levels below this one known, this one half revealed, the finer ones masked.
            var tokens = new long[frames * 4];
            for (int f = 0; f < frames; f++)
                for (int c = 0; c < 4; c++)
                    tokens[f * 4 + c] = c < level || (c == level && f % 2 == 0) ? codes[f * 4 + c] : MaskId;
            using var embeddings = Run(combiner, ("tokens", OrtValue.CreateTensorValueFromMemory(tokens, [1, frames, 4])))[0];
            float[] Logits(InferenceSession s)
            {
                using var outputs = Run(s, ("embeddings", embeddings), ("semantic", OrtValue.CreateTensorValueFromMemory(semantic[..frames], [1, frames])),
                    ("padding_mask", OrtValue.CreateTensorValueFromMemory(new bool[frames], [1, frames])), ("level", OrtValue.CreateTensorValueFromMemory(new long[] { level }, [1])));
                return outputs[0].GetTensorDataAsSpan<float>().ToArray();
            }
            var (error, agreement) = Compare(Logits(float32), Logits(quantised), 1024);
            output.WriteLine($"level {level}: logits relative error {error:E2}, argmax agreement {agreement:P2} over {frames} frames");
            Assert.True(error < 0.03, $"level {level}: int8 logits relative error {error:E3}");
            Assert.True(agreement >= 0.95, $"level {level}: argmax agreement {agreement:P2}");
        }
    }

    [Fact]
    public void Same_seed_generation_mostly_picks_the_same_tokens()
    {
        string int8 = PackInt8();
        Assert.Equal(0, CliRunner.Run("tokenize", "--in", Speech, "--out", $"{_dir}/s.npy").Code);
        long[] Generate(string model, string name, int seed)
        {
            var run = CliRunner.Run("generate", "--model", model, "--semantic", $"{_dir}/s.npy", "--seed", $"{seed}", "--out", $"{_dir}/{name}-{seed}.npy");
            Assert.True(run.Code == 0, run.Error);
            return NpyFile.Read($"{_dir}/{name}-{seed}.npy").ToInt64();
        }
        // A token that differs early changes what every later MaskGIT step is conditioned on, so one seed's agreement
        // swings by twenty points or more (41–66 % measured over these seeds); the mean over three seeds is steadier. A graph
        // that computed something else would agree on a few percent of the tokens (1,024 classes).
        int[] seeds = [11, 12, 13];
        double same = 0, firstLevel = 0;
        foreach (int seed in seeds)
        {
            long[] a = Generate(Default, "float32", seed), b = Generate(int8, "int8", seed);
            Assert.Equal(a.Length, b.Length);
            double all = a.Zip(b).Count(p => p.First == p.Second) / (double)a.Length;
            double first = Enumerable.Range(0, a.Length / 4).Count(f => a[f * 4] == b[f * 4]) / (double)(a.Length / 4);
            output.WriteLine($"seed {seed}: same-seed tokens {all:P2} equal overall, {first:P2} on level 0 ({a.Length / 4} frames)");
            same += all / seeds.Length;
            firstLevel += first / seeds.Length;
        }
        output.WriteLine($"mean: {same:P2} overall, {firstLevel:P2} on level 0");
        Assert.True(same >= 0.4, $"only {same:P2} of the tokens agree");
        Assert.True(firstLevel >= 0.45, $"only {firstLevel:P2} of the level-0 tokens agree");
    }

    private static IDisposableReadOnlyCollection<OrtValue> Run(InferenceSession session, params (string Name, OrtValue Value)[] inputs)
    {
        using var options = new RunOptions();
        return session.Run(options, inputs.Select(i => i.Name).ToArray(), inputs.Select(i => i.Value).ToArray(), session.OutputNames);
    }

    /// <summary>‖b − a‖ / ‖a‖ over all logits, and the share of rows (of <paramref name="classes"/>) whose argmax agrees.</summary>
    private static (double Error, double Agreement) Compare(float[] a, float[] b, int classes)
    {
        double diff = 0, norm = 0;
        for (int i = 0; i < a.Length; i++)
        {
            diff += (a[i] - (double)b[i]) * (a[i] - (double)b[i]);
            norm += a[i] * (double)a[i];
        }
        int rows = a.Length / classes, same = 0;
        for (int r = 0; r < rows; r++)
            if (ArgMax(a.AsSpan(r * classes, classes)) == ArgMax(b.AsSpan(r * classes, classes))) same++;
        return (Math.Sqrt(diff / norm), same / (double)rows);
    }

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int i = 1; i < row.Length; i++) if (row[i] > row[best]) best = i;
        return best;
    }
}
