using SoundStorm.Trainer.Training;

namespace SoundStorm.Trainer.Paper;

/// <summary>Draws the training loss (and the mean validation loss) against the step as a PNG with ScottPlot.</summary>
internal static class LossCurve
{
    /// <summary>Writes <paramref name="path"/>; nothing is drawn for an empty history.</summary>
    public static void Save(string path, IReadOnlyList<StepRecord> history, IReadOnlyList<ValidationRecord> validations, int width = 900, int height = 500)
    {
        if (history.Count == 0) return;
        var plot = new ScottPlot.Plot();
        var train = plot.Add.Scatter(history.Select(h => (double)h.Step).ToArray(), history.Select(h => h.Loss).ToArray());
        train.LegendText = "training loss";
        train.MarkerSize = 0;
        if (validations.Count > 0)
        {
            var valid = plot.Add.Scatter(validations.Select(v => (double)v.Step).ToArray(), validations.Select(v => v.Loss.Average()).ToArray());
            valid.LegendText = "validation loss (mean over levels)";
        }
        plot.Title("soundstorm-train");
        plot.XLabel("step");
        plot.YLabel("cross-entropy (nats)");
        plot.ShowLegend();
        plot.SavePng(path, width, height);
    }
}
