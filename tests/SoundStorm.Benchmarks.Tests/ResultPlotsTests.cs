using SoundStorm.Benchmarks.Plots;
using SoundStorm.Benchmarks.Scenarios;

namespace SoundStorm.Benchmarks.Tests;

/// <summary>The plots command reads back what the scenario runner writes (commas inside fields included) and draws from it.</summary>
public sealed class ResultPlotsTests
{
    [Fact]
    public void Rows_written_by_the_runner_read_back_unchanged_and_plot()
    {
        using var temp = new TempFolder();
        ScenarioResult[] written =
        [
            new("seed", "seed-default", 10, "fast, skip 4, float32: wall time", 12.25, "s", "21 calls, \"quoted\""),
            new("seed", "seed-default", 10, "fast, skip 4, float32: time in ONNX Runtime", 11.5, "s", ""),
            new("chunking", "tokenizer, one pass", 120, "first half's tokens alone vs within the whole", 99.5, "%", "a, b"),
        ];
        ScenarioReport.WriteTables(temp.Path, "seed", written, TimeSpan.FromSeconds(1), smoke: false);

        var read = ResultTable.Read(temp.Sub("seed.csv"));
        Assert.Equal(written.Select(r => new ResultRow(r.Scenario, r.Model, r.AudioSeconds, r.Metric, r.Value, r.Unit)), read);

        var plots = ResultPlots.Draw(temp.Path);
        string png = Assert.Single(plots);
        Assert.Equal(temp.Sub("seed.png"), png);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(png)[..4]);
    }

    [Fact]
    public void A_malformed_value_names_the_file_and_the_text()
    {
        using var temp = new TempFolder();
        string path = temp.Sub("attention.csv");
        File.WriteAllText(path, "scenario,model,audio_seconds,metric,value,unit,note\nattention,\"mid\",10,\"fused speed-up\",fast,\"×\",\"\"\n");
        var e = Assert.Throws<FormatException>(() => ResultTable.Read(path));
        Assert.Equal($"{path}: expected a number, found \"fast\".", e.Message);
    }
}
