using System.Globalization;

namespace SoundStorm.Benchmarks.Plots;

/// <summary>One row of a results CSV that the scenario runner wrote (scenario, model, audio seconds, metric, value, unit, note).</summary>
internal sealed record ResultRow(string Scenario, string Model, double AudioSeconds, string Metric, double Value, string Unit);

/// <summary>Reads the scenario runner's CSV files back, for the plots.</summary>
internal static class ResultTable
{
    /// <summary>The rows of <paramref name="path"/>, or none when the file does not exist (that scenario has not been run).</summary>
    public static IReadOnlyList<ResultRow> Read(string path)
    {
        if (!File.Exists(path)) return [];
        var rows = new List<ResultRow>();
        foreach (string line in File.ReadLines(path).Skip(1))
        {
            var f = Fields(line);
            if (f.Count < 6) throw new FormatException($"{path}: expected 7 comma-separated fields, found {f.Count} in \"{line}\".");
            rows.Add(new ResultRow(f[0], f[1], Number(path, f[2]), f[3], Number(path, f[4]), f[5]));
        }
        return rows;
    }

    private static double Number(string path, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new FormatException($"{path}: expected a number, found \"{text}\".");

    // Fields of one CSV line; quoted fields may hold commas (the writer turns quotes inside them into apostrophes).
    private static List<string> Fields(string line)
    {
        var fields = new List<string>();
        int i = 0;
        while (i <= line.Length)
        {
            if (i < line.Length && line[i] == '"')
            {
                int end = line.IndexOf('"', i + 1);
                if (end < 0) end = line.Length;
                fields.Add(line[(i + 1)..end]);
                i = end + 2;
            }
            else
            {
                int end = line.IndexOf(',', i);
                if (end < 0) end = line.Length;
                fields.Add(line[i..end]);
                i = end + 1;
            }
        }
        return fields;
    }
}
