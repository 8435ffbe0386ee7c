using System.Runtime.InteropServices;
using System.Text;

namespace SoundStorm.Benchmarks.Scenarios;

/// <summary>Writes scenarios.md (table + machine), scenarios.csv and the PNG plots.</summary>
internal static class ScenarioReport
{
    public static void Write(ScenarioSettings s, IReadOnlyList<ScenarioResult> results, TimeSpan elapsed)
    {
        WriteTables(s.OutputDirectory, "scenarios", results, elapsed, s.Smoke);
        Plot(s, results);
    }

    /// <summary>Writes <c>{name}.csv</c> and <c>{name}.md</c> (the table and the machine) into <paramref name="directory"/>.</summary>
    public static void WriteTables(string directory, string name, IReadOnlyList<ScenarioResult> results, TimeSpan elapsed, bool smoke)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var csv = new StringBuilder("scenario,model,audio_seconds,metric,value,unit,note\n");
        foreach (var r in results)
            csv.Append(inv, $"{r.Scenario},\"{r.Model}\",{r.AudioSeconds},\"{r.Metric}\",{r.Value.ToString("G6", inv)},\"{r.Unit}\",\"{r.Note.Replace("\"", "'", StringComparison.Ordinal)}\"\n");
        WriteAtomically(Path.Combine(directory, $"{name}.csv"), csv.ToString());

        var md = new StringBuilder();
        md.AppendLine(inv, $"# Scenario results{(smoke ? " (smoke mode: harness check, tiny model — not a measurement)" : "")}");
        md.AppendLine();
        md.AppendLine(inv, $"Machine: {Environment.ProcessorCount} logical CPUs, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}; " +
                           $"ONNX Runtime CPU provider. Run took {elapsed.TotalMinutes:F1} min; every figure below comes from this one run.");
        md.AppendLine();
        md.AppendLine("| scenario | model | audio (s) | metric | value | unit | how |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var r in results)
            md.AppendLine(inv, $"| {r.Scenario} | {r.Model} | {(r.AudioSeconds > 0 ? r.AudioSeconds.ToString(inv) : "-")} | {r.Metric} | {r.Value.ToString("G4", inv)} | {r.Unit} | {r.Note} |");
        WriteAtomically(Path.Combine(directory, $"{name}.md"), md.ToString());
    }

    private static void Plot(ScenarioSettings s, IReadOnlyList<ScenarioResult> results)
    {
        var plot = new ScottPlot.Plot();
        foreach (var model in results.Where(r => r.Scenario == "maskgit").Select(r => r.Model).Distinct())
        {
            double[] xs = results.Where(r => r.Model == model && r.Scenario == "maskgit" && r.Metric == "wall time").Select(r => r.AudioSeconds).ToArray();
            double[] mask = results.Where(r => r.Model == model && r.Scenario == "maskgit" && r.Metric == "wall time").Select(r => r.Value).ToArray();
            var a = plot.Add.Scatter(xs, mask);
            a.LegendText = $"MaskGIT ({model})";
            foreach (var (metric, label) in new[] { ("wall time (integrated)", "float32 cache"), ("wall time (integrated), int8 cache", "int8 cache") })
            {
                double[] ar = results.Where(r => r.Model == model && r.Scenario == "autoregressive" && r.Metric == metric).Select(r => r.Value).ToArray();
                if (ar.Length != xs.Length) continue; // no autoregressive run for this model (int8 variants, --maskgit-only)
                var b = plot.Add.Scatter(xs, ar);
                b.LegendText = $"autoregressive, {label} ({model})";
                b.LinePattern = ScottPlot.LinePattern.Dashed;
            }
        }
        plot.Axes.Left.Label.Text = "wall time (s)";
        plot.Axes.Bottom.Label.Text = "audio duration (s)";
        plot.Title("Generation time: parallel (MaskGIT) vs autoregressive, same width and depth");
        plot.ShowLegend();
        plot.SavePng(Path.Combine(s.OutputDirectory, "maskgit-vs-ar.png"), 900, 540);
    }

    private static void WriteAtomically(string path, string text)
    {
        string temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
