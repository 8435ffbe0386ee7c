using ScottPlot;

namespace SoundStorm.Benchmarks.Plots;

/// <summary>
/// <c>plots</c>: draws BENCHMARKS.md's figures from the CSV files in the results folder (each plot is skipped when its
/// scenario has not been run), so a re-run of any scenario can be re-plotted without running the others.
/// </summary>
internal static class ResultPlots
{
    public static IReadOnlyList<string> Draw(string results)
    {
        var written = new List<string>();
        void Save(Plot? plot, string name)
        {
            if (plot is null) return;
            string path = Path.Combine(results, name);
            plot.SavePng(path, 900, 520);
            written.Add(path);
        }
        Save(Seed(ResultTable.Read(Path.Combine(results, "seed.csv"))), "seed.png");
        Save(Attention(ResultTable.Read(Path.Combine(results, "attention.csv"))), "attention.png");
        Save(Autoregressive(ResultTable.Read(Path.Combine(results, "autoregressive.csv"))), "autoregressive.png");
        Save(LongInput(ResultTable.Read(Path.Combine(results, "long-input.csv"))), "long-input.png");
        return written;
    }

    // Time inside and outside ONNX Runtime per sampler and precision, stacked.
    private static Plot? Seed(IReadOnlyList<ResultRow> rows)
    {
        var cases = rows.Where(r => r.Scenario == "seed" && r.Metric.EndsWith(": wall time", StringComparison.Ordinal))
            .Select(r => r.Metric[..^": wall time".Length]).Distinct().ToArray();
        if (cases.Length == 0) return null;
        var plot = new Plot();
        var ticks = new List<Tick>();
        for (int i = 0; i < cases.Length; i++)
        {
            double wall = Value(rows, $"{cases[i]}: wall time"), inside = Value(rows, $"{cases[i]}: time in ONNX Runtime");
            plot.Add.Bar(new Bar { Position = i, ValueBase = 0, Value = inside, FillColor = Colors.SteelBlue });
            plot.Add.Bar(new Bar { Position = i, ValueBase = inside, Value = wall, FillColor = Colors.Orange, Label = $"{100 * (wall - inside) / wall:0.0} % outside" });
            ticks.Add(new Tick(i, cases[i].Replace(", ", "\n", StringComparison.Ordinal)));
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        plot.Axes.Left.Label.Text = "wall time (s)";
        plot.Title("Seed model, 10 s: time inside ONNX Runtime (blue) and in the C# sampler (orange)");
        return plot;
    }

    // Standard vs fused transformer forward per case.
    private static Plot? Attention(IReadOnlyList<ResultRow> rows)
    {
        var cases = rows.Where(r => r.Scenario == "attention").Select(r => (r.Model, r.AudioSeconds)).Distinct().ToArray();
        if (cases.Length == 0) return null;
        var plot = new Plot();
        var ticks = new List<Tick>();
        for (int i = 0; i < cases.Length; i++)
        {
            var (model, seconds) = cases[i];
            double standard = Value(rows, "roofline fraction, standard graph", model, seconds), fused = Value(rows, "roofline fraction, fused graph", model, seconds);
            plot.Add.Bar(new Bar { Position = 3 * i, Value = standard, FillColor = Colors.Gray, Label = $"{standard:0.00}" });
            plot.Add.Bar(new Bar { Position = 3 * i + 1, Value = fused, FillColor = Colors.SteelBlue, Label = $"{fused:0.00}" });
            ticks.Add(new Tick(3 * i + 0.5, $"{model} {seconds:0} s\nstandard | fused"));
        }
        plot.Add.HorizontalLine(0.75, 1, Colors.Red, LinePattern.Dashed);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        plot.Axes.Left.Label.Text = "fraction of the measured MatMul ceiling";
        plot.Axes.SetLimitsY(0, 1);
        plot.Title("Transformer forward: standard opset-17 graph vs fused attention graph");
        return plot;
    }

    // Decode step time against cache length, with the two streaming bounds.
    private static Plot? Autoregressive(IReadOnlyList<ResultRow> rows)
    {
        var steps = rows.Where(r => r.Scenario == "autoregressive" && r.Metric.StartsWith("decode step (cache ", StringComparison.Ordinal)).ToArray();
        if (steps.Length == 0) return null;
        double[] cache = [.. steps.Select(r => CacheLength(r.Metric))];
        double[] tuned = [.. steps.Select(r => 1000 * r.Value)];
        double[] concat = [.. cache.Select(c => 1000 * Value(rows, $"decode step, Concat graph (cache {c:0})"))];
        double weights = 1000 * rows.First(r => r.Metric == "weight-streaming bound per step").Value;
        double[] withCache = [.. cache.Select((c, i) => tuned[i] / Value(rows, $"decode step / weight + cache bound (cache {c:0})"))];
        var plot = new Plot();
        plot.Add.Scatter(cache, tuned).LegendText = "float32 cache, pre-allocated (GroupQueryAttention, IO binding)";
        plot.Add.Scatter(cache, concat).LegendText = "float32 cache grown by Concat";
        var bound = plot.Add.Scatter(cache, withCache);
        bound.LegendText = "bound: stream weights + float32 cache";
        bound.LinePattern = LinePattern.Dashed;
        if (rows.Any(r => r.Metric.StartsWith("decode step, int8 cache (cache ", StringComparison.Ordinal)))
        {
            plot.Add.Scatter(cache, [.. cache.Select(c => 1000 * Value(rows, $"decode step, int8 cache (cache {c:0})"))]).LegendText = "int8 cache, float32 weights";
            plot.Add.Scatter(cache, [.. cache.Select(c => 1000 * Value(rows, $"decode step, int8 weights and cache (cache {c:0})"))]).LegendText = "int8 cache, int8 weights";
            plot.Add.HorizontalLine(2 * weights, 1, Colors.Black, LinePattern.Dashed).LegendText = "goal: 2 × the float32 weights' bound";
        }
        var weightLine = plot.Add.HorizontalLine(weights, 1, Colors.Gray, LinePattern.Dotted);
        weightLine.LegendText = "bound: stream float32 weights only";
        plot.Axes.Left.Label.Text = "decode step (ms)";
        plot.Axes.Bottom.Label.Text = "cached tokens";
        plot.Title("Autoregressive baseline, paper shape: one decode step");
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    // Peak memory and CPU per second of audio against input length.
    private static Plot? LongInput(IReadOnlyList<ResultRow> rows)
    {
        var memory = rows.Where(r => r.Scenario == "long input" && r.Metric == "peak resident set vs shortest").OrderBy(r => r.AudioSeconds).ToArray();
        if (memory.Length == 0) return null;
        var plot = new Plot();
        plot.Add.Scatter(memory.Select(r => r.AudioSeconds / 60).ToArray(), memory.Select(r => r.Value).ToArray()).LegendText = "peak resident set / the 30 s figure";
        var cpu = rows.Where(r => r.Scenario == "long input" && r.Metric == "CPU time per second vs shortest").OrderBy(r => r.AudioSeconds).ToArray();
        plot.Add.Scatter(cpu.Select(r => r.AudioSeconds / 60).ToArray(), cpu.Select(r => r.Value).ToArray()).LegendText = "CPU time per second of audio / the 30 s figure";
        plot.Add.HorizontalLine(1.3, 1, Colors.Red, LinePattern.Dashed).LegendText = "memory goal: 1.3×";
        plot.Axes.Bottom.Label.Text = "input length (min)";
        plot.Axes.Left.Label.Text = "× the 30 s figure";
        plot.Axes.SetLimitsY(0, 1.6);
        plot.Title("resynthesize on long inputs, default model");
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    private static double CacheLength(string metric) =>
        double.Parse(metric["decode step (cache ".Length..^1], System.Globalization.CultureInfo.InvariantCulture);

    private static double Value(IReadOnlyList<ResultRow> rows, string metric, string? model = null, double? seconds = null) =>
        rows.FirstOrDefault(r => r.Metric == metric && (model is null || r.Model == model) && (seconds is null || r.AudioSeconds == seconds))?.Value
        ?? throw new FormatException($"results: no row '{metric}'{(model is null ? "" : $" for {model} {seconds} s")}.");
}
