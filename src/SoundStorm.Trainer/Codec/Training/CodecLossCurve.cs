namespace SoundStorm.Trainer.Codec.Training;

/// <summary>Draws the codec's losses (total, mel, STFT) against the step as a PNG with ScottPlot.</summary>
internal static class CodecLossCurve
{
    /// <summary>Writes <paramref name="path"/>; nothing is drawn for an empty history.</summary>
    public static void Save(string path, IReadOnlyList<CodecStepRecord> history, int width = 900, int height = 500)
    {
        if (history.Count == 0) return;
        var plot = new ScottPlot.Plot();
        double[] steps = history.Select(h => (double)h.Step).ToArray();
        foreach (var (label, values) in new[] { ("total", history.Select(h => h.Loss)), ("log-mel L1", history.Select(h => h.Mel)), ("multi-resolution STFT", history.Select(h => h.Stft)) })
        {
            var line = plot.Add.Scatter(steps, values.ToArray());
            line.LegendText = label;
            line.MarkerSize = 0;
        }
        plot.Title("soundstorm-train train-codec");
        plot.XLabel("step");
        plot.YLabel("loss");
        plot.ShowLegend();
        plot.SavePng(path, width, height);
    }
}
