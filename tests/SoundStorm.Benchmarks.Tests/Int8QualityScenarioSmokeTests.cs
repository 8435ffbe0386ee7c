using SoundStorm.Benchmarks.Scenarios;

namespace SoundStorm.Benchmarks.Tests;

/// <summary>
/// The int8-quality scenario on the shipped model and the samples' speech: each form reports its figures, and keeping
/// the edge blocks in float32 brings the logits closer to float32's than quantising every block (the reason the
/// option exists). No timing is asserted.
/// </summary>
public sealed class Int8QualityScenarioSmokeTests
{
    [Fact]
    public void Float_edge_blocks_bring_the_logits_closer_to_float32()
    {
        using var temp = new TempFolder();
        string root = BenchmarkPaths.RepositoryRoot, audio = Path.Combine(root, "samples", "audio");
        var rows = Int8QualityScenario.Run(Path.Combine(root, "models", "default"),
            [Path.Combine(audio, "allison-en-new-extension.wav"), Path.Combine(audio, "carlo-it-prompt.wav")], [0, 1], temp.Path, _ => { }).ToList();

        double Value(string scheme, string metric) => rows.Single(r => r.Model == scheme && r.Metric == metric).Value;
        foreach (string scheme in new[] { "int8-dynamic", "int8-dynamic/float-edges-1" })
        {
            Assert.InRange(Value(scheme, "logits relative error"), 1e-4, 0.05);
            Assert.InRange(Value(scheme, "argmax agreement"), 90, 100);
            Assert.InRange(Value(scheme, "same-seed tokens equal"), 0, 100);
            Assert.True(Value(scheme, "int8 / float32 forward time") > 0);
        }
        Assert.True(Value("int8-dynamic/float-edges-1", "logits relative error") < 0.8 * Value("int8-dynamic", "logits relative error"));
        Assert.True(Value("int8-dynamic/float-edges-1", "mean KL divergence") < Value("int8-dynamic", "mean KL divergence"));
    }
}
