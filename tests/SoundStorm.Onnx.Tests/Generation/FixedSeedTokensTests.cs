using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace SoundStorm.Onnx.Tests.Generation;

/// <summary>
/// Generated tokens are bit-identical for fixed seeds across refactors: every case hashes the tokens it generates and
/// compares with <c>FixedSeedTokens.txt</c>, which was written by running these cases on the code before the
/// restructuring (set <c>SOUNDSTORM_RECORD_TOKEN_HASHES=1</c> to rewrite it; only do that when a change of tokens is meant).
/// The ONNX cases run real graphs on the CPU provider, so a different CPU could round logits differently; the fake
/// model cases are exact everywhere.
/// </summary>
public sealed class FixedSeedTokensTests(SeedPackageFixture seedPackage) : IClassFixture<SeedPackageFixture>
{
    private const string FixtureName = "FixedSeedTokens.txt";

    [Theory]
    [InlineData("maskgit-onnx-batch-default")]
    [InlineData("maskgit-onnx-batch-topk-noise")]
    [InlineData("maskgit-onnx-batch-topp-anneal-skip")]
    [InlineData("maskgit-onnx-no-prompt-seeds")]
    [InlineData("maskgit-onnx-long-form")]
    [InlineData("maskgit-fake-batch")]
    [InlineData("maskgit-fake-long-form")]
    [InlineData("diffusion-fake-purity-batch")]
    [InlineData("diffusion-fake-skip1-batch")]
    [InlineData("diffusion-fake-skip3-batch")]
    [InlineData("diffusion-fake-purity-long-form")]
    public void Tokens_for_fixed_seeds_equal_the_recorded_ones(string name) => Check(name, Generate(name));

    [ReferenceTheory]
    [InlineData("diffusion-seed-checkpoint-purity")]
    [InlineData("diffusion-seed-checkpoint-skip4-batch")]
    public void Tokens_of_the_imported_seed_checkpoint_equal_the_recorded_ones(string name) => Check(name, GenerateWithSeedCheckpoint(name));

    private static IReadOnlyList<CodeGrid> Generate(string name) => name switch
    {
        "maskgit-onnx-batch-default" => WithTinyOnnx(5, g => g.Generate(MaskGitRequests(1), new GenerationOptions { Seed = 3 })),
        "maskgit-onnx-batch-topk-noise" => WithTinyOnnx(7, g => g.Generate(MaskGitRequests(8),
            new GenerationOptions { FirstLevelIterations = 6, Seed = 11, TopK = 8, ConfidenceNoise = 1.5f })),
        "maskgit-onnx-batch-topp-anneal-skip" => WithTinyOnnx(9, g => g.Generate(MaskGitRequests(2),
            new GenerationOptions { FirstLevelIterations = 5, TopP = 0.8f, AnnealTemperature = true, GreedyFinerLevels = false, Seed = 21 }), withSkip: true),
        "maskgit-onnx-no-prompt-seeds" => WithTinyOnnx(5, g =>
            [.. new ulong[] { 0, 1, 42 }.Select(seed => g.Generate(new GenerationRequest(Semantic(new Random(4), 23, TinyModel.K), seed: seed)))]),
        "maskgit-onnx-long-form" => WithTinyOnnx(5, g =>
        {
            var random = new Random(12);
            var request = new GenerationRequest(Semantic(random, 70, TinyModel.K), Codes(random, 5, TinyModel.Q, TinyModel.V), Semantic(random, 5, TinyModel.K), seed: 8);
            return [g.GenerateLong(request, 20, 6), g.GenerateLong(MaskGitRequests(3)[0], 8, 3, new GenerationOptions { Seed = 2 })];
        }),
        "maskgit-fake-batch" => FakeMaskGitBatch(),
        "maskgit-fake-long-form" => [TestModels.Generator().GenerateLong(
            TestModels.RandomRequest(new Random(31), 61, 4, separatePromptSemantic: false, seed: 6), 17, 5, new GenerationOptions { FirstLevelIterations = 4 })],
        "diffusion-fake-purity-batch" => Diffusion(0),
        "diffusion-fake-skip1-batch" => Diffusion(1),
        "diffusion-fake-skip3-batch" => Diffusion(3),
        "diffusion-fake-purity-long-form" => [DiffusionGenerator().GenerateLong(DiffusionRequest(40, 50, 3, seed: 4), 18, 6, new GenerationOptions())],
        _ => throw new ArgumentException(name),
    };

    private static IReadOnlyList<CodeGrid> WithTinyOnnx(int modelSeed, Func<SoundStormGenerator, IReadOnlyList<CodeGrid>> generate, bool withSkip = false)
    {
        using var tiny = new TinyPackage(modelSeed, withSkip);
        using var generator = new SoundStormGenerator(tiny.Package);
        return generate(generator);
    }

    // Three requests in one padded batch: no prompt, a prompt, and a prompt whose semantic tokens are drawn with the target's.
    private static GenerationRequest[] MaskGitRequests(int seed)
    {
        var random = new Random(seed);
        const int q = TinyModel.Q, v = TinyModel.V, k = TinyModel.K;
        var prompt = Codes(random, 4, q, v);
        return
        [
            new GenerationRequest(Semantic(random, 17, k)),
            new GenerationRequest(Semantic(random, 9, k), prompt, Semantic(random, 4, k)),
            TestModels.LeadingPrompt(Semantic(random, 25, k), prompt, seed: 99),
        ];
    }

    private static IReadOnlyList<CodeGrid> FakeMaskGitBatch()
    {
        var random = new Random(17);
        var requests = new[]
        {
            TestModels.RandomRequest(random, 13, 0, separatePromptSemantic: false),
            TestModels.RandomRequest(random, 8, 3, separatePromptSemantic: true),
            TestModels.RandomRequest(random, 20, 5, separatePromptSemantic: false, seed: 77),
        };
        return TestModels.Generator().Generate(requests, new GenerationOptions { FirstLevelIterations = 7, Seed = 5, TopK = 4 });
    }

    // The diffusion family on a fake all-codebook model (as in DiffusionSamplerTests): Q = 2, V = 6 codes, C = 8 classes.
    private const int DQ = 2, DV = 6, DC = 8, DK = 5;

    private static SoundStormGenerator DiffusionGenerator() =>
        new(new FakeLogitsSource(DQ, DQ * DC, SoundStorm.Onnx.Tests.Generation.Diffusion.DiffusionSamplerTests.Hashed), new TokenVocabulary(DQ, DV, DK, DC), ModelFamilies.SeedDiffusion);

    private static GenerationRequest DiffusionRequest(int randomSeed, int frames, int prompt, ulong? seed = null)
    {
        var random = new Random(randomSeed);
        return TestModels.LeadingPrompt(Semantic(random, frames + prompt, DK), prompt == 0 ? null : Codes(random, prompt, DQ, DV), seed: seed);
    }

    private static IReadOnlyList<CodeGrid> Diffusion(int skip)
    {
        using var generator = DiffusionGenerator();
        var random = new Random(skip + 50);
        GenerationRequest[] requests =
        [
            DiffusionRequest(1, 7, 2),
            DiffusionRequest(2, 11, 0),
            new GenerationRequest(Semantic(random, 5, DK), Codes(random, 3, DQ, DV), Semantic(random, 3, DK), seed: 123),
        ];
        return generator.Generate(requests, new GenerationOptions { Seed = 9, DiffusionSkipSteps = skip });
    }

    private IReadOnlyList<CodeGrid> GenerateWithSeedCheckpoint(string name)
    {
        using var package = ModelPackage.Load(seedPackage.PackageFolder);
        using var generator = new SoundStormGenerator(package);
        return name switch
        {
            "diffusion-seed-checkpoint-purity" => [generator.Generate(SeedGenerationTests.Request(7), new GenerationOptions())],
            "diffusion-seed-checkpoint-skip4-batch" => generator.Generate([SeedGenerationTests.Request(1), SeedGenerationTests.Request(2)],
                new GenerationOptions { DiffusionSkipSteps = 4 }),
            _ => throw new ArgumentException(name),
        };
    }

    private static long[] Semantic(Random random, int n, int vocabulary) =>
        [.. Enumerable.Range(0, n).Select(_ => (long)random.Next(vocabulary))];

    private static CodeGrid Codes(Random random, int frames, int codebooks, int size)
    {
        var codes = new CodeGrid(frames, codebooks);
        for (int f = 0; f < frames; f++) for (int q = 0; q < codebooks; q++) codes[f, q] = random.Next(size);
        return codes;
    }

    /// <summary>SHA-256 over every result's shape and tokens, in order.</summary>
    private static string Hash(IReadOnlyList<CodeGrid> results)
    {
        var text = new StringBuilder();
        foreach (var r in results)
        {
            text.Append(r.Frames).Append('x').Append(r.Codebooks).Append(':');
            foreach (long t in r.AsSpan()) text.Append(t).Append(',');
            text.Append(';');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(text.ToString())));
    }

    private static void Check(string name, IReadOnlyList<CodeGrid> results, [CallerFilePath] string source = "")
    {
        string file = Path.Combine(Path.GetDirectoryName(source)!, FixtureName);
        string hash = Hash(results);
        if (Environment.GetEnvironmentVariable("SOUNDSTORM_RECORD_TOKEN_HASHES") == "1")
        {
            lock (typeof(FixedSeedTokensTests))
            {
                var lines = File.Exists(file) ? File.ReadAllLines(file).Where(l => !l.StartsWith(name + " ", StringComparison.Ordinal)).ToList() : [];
                lines.Add($"{name} {hash}");
                lines.Sort(StringComparer.Ordinal);
                File.WriteAllLines(file, lines);
            }
            return;
        }
        string? expected = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Generation", FixtureName))
            .Select(l => l.Split(' ')).Where(p => p[0] == name).Select(p => p[1]).SingleOrDefault();
        Assert.True(expected is not null, $"{FixtureName} has no hash for {name}");
        Assert.Equal(expected, hash);
    }
}
