namespace SoundStorm.Benchmarks.Scenarios.LongInput;

/// <summary>Runs the long-input parts asked for and writes <c>long-input.md</c> and <c>long-input.csv</c>.</summary>
internal static class LongInputRunner
{
    public static IReadOnlyList<ScenarioResult> Run(LongInputSettings s, string outputDirectory)
    {
        Directory.CreateDirectory(outputDirectory);
        Directory.CreateDirectory(s.WorkDirectory);
        var results = new List<ScenarioResult>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        foreach (string part in LongInputSettings.AllParts.Where(s.Parts.Contains))
        {
            var rows = part switch
            {
                "agreement" => ChunkingAgreementScenario.Run(s),
                "memory" => PeakMemoryScenario.Run(s),
                _ => StreamingLatencyScenario.Run(s),
            };
            foreach (var row in rows)
            {
                results.Add(row);
                s.Log($"[{clock.Elapsed:mm\\:ss}] {row.Scenario}/{row.Model}/{row.AudioSeconds}s {row.Metric}: {row.Value:G4} {row.Unit}");
            }
        }
        ScenarioReport.WriteTables(outputDirectory, "long-input", results, clock.Elapsed, smoke: false);
        return results;
    }
}
