using System.Diagnostics;
using SoundStorm.Onnx.Generation.Graphs;

namespace SoundStorm.Onnx.Tests.Hardening;

[CollectionDefinition("soak", DisableParallelization = true)]
public sealed class SoakCollection;

/// <summary>
/// Many generations in one process: managed heap and resident set stay flat after warm-up and no native handle
/// leaks. Bounded for CI (1,000 generations of a tiny package); set SOUNDSTORM_SOAK_GENERATIONS for a longer release check.
/// </summary>
[Collection("soak")]
public sealed class SoakTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_thousand_generations_keep_memory_flat_and_release_every_handle()
    {
        int generations = int.TryParse(Environment.GetEnvironmentVariable("SOUNDSTORM_SOAK_GENERATIONS"), out int n) ? n : 1000;
        using var package = ModelPackage.Load(new TinyModel(33).WritePackage(_dir));
        // The generator the public constructor builds, with its logits source in hand to read the source's handle counts.
        var source = OnnxLogitsSource.Create(package, new SessionSettings());
        var handles = source.Resources;
        var m = package.Manifest;
        using (var generator = new SoundStormGenerator(source, new TokenVocabulary(m.Codebooks, m.CodebookSize, m.SemanticVocabulary, m.MaskTokenId), owned: source))
        {
            Assert.Equal(2, handles.Sessions);
            var request = new GenerationRequest(Enumerable.Range(0, 10).Select(i => (long)(i % TinyModel.K)).ToArray());
            int warmUp = generations / 10;
            for (int i = 0; i < warmUp; i++) generator.Generate(request, new GenerationOptions { Seed = (ulong)i });
            (long heap, long rss) Measure()
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                using var process = Process.GetCurrentProcess();
                return (GC.GetTotalMemory(true), process.WorkingSet64);
            }
            var before = Measure();
            for (int i = warmUp; i < generations; i++)
            {
                generator.Generate(request, new GenerationOptions { Seed = (ulong)i });
                Assert.Equal(0, handles.OrtValues); // each run's tensors are released when it ends
            }
            var after = Measure();
            output.WriteLine($"{generations} generations: managed {before.heap / 1024} → {after.heap / 1024} KiB, RSS {before.rss / 1048576} → {after.rss / 1048576} MiB");
            Assert.True(after.heap < before.heap * 1.05 + 256 * 1024, $"managed heap grew {before.heap} → {after.heap}");
            Assert.True(after.rss < before.rss * 1.05, $"resident set grew {before.rss} → {after.rss}");
        }
        Assert.Equal(0, handles.Sessions);
        Assert.Equal(0, handles.OrtValues);
    }
}
