using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Codec;

/// <summary>
/// Folds PyTorch weight norm (<c>torch.nn.utils.weight_norm</c>, dim 0) into dense weights at import time:
/// <c>weight = weight_g · weight_v / ‖weight_v‖</c>, the norm taken per index of dim 0 over all other dims. For a
/// Conv1d dim 0 is the output channel, for a ConvTranspose1d ([in, out, k]) the input channel — the same rule covers both.
/// </summary>
public static class WeightNormFolding
{
    private const string Magnitude = ".weight_g";
    private const string Direction = ".weight_v";

    /// <summary>
    /// A copy of <paramref name="weights"/> with every <c>X.weight_g</c>/<c>X.weight_v</c> pair replaced by <c>X.weight</c>;
    /// other tensors are copied unchanged. A half pair or a magnitude of the wrong shape is a <see cref="WeightMismatchException"/>.
    /// </summary>
    public static WeightSet Fold(WeightSet weights)
    {
        var folded = new WeightSet(weights.Source);
        var problems = new List<string>();
        foreach (string name in weights.Names.OrderBy(n => n, StringComparer.Ordinal))
        {
            if (name.EndsWith(Magnitude, StringComparison.Ordinal))
            {
                if (!weights.Contains(Stem(name) + Direction)) problems.Add($"'{name}' has no '{Stem(name)}{Direction}'");
                continue;
            }
            var tensor = weights.Peek(name);
            if (!name.EndsWith(Direction, StringComparison.Ordinal))
            {
                folded.Add(name, tensor.Data, tensor.Shape);
                continue;
            }
            string stem = Stem(name);
            if (!weights.Contains(stem + Magnitude)) { problems.Add($"'{name}' has no '{stem}{Magnitude}'"); continue; }
            var magnitude = weights.Peek(stem + Magnitude);
            long rows = tensor.Shape[0];
            if (magnitude.Data.Length != rows || magnitude.Shape[0] != rows)
            {
                problems.Add($"'{stem}{Magnitude}' has shape {magnitude.ShapeText}, expected [{rows}, 1, ...] for '{name}' {tensor.ShapeText}");
                continue;
            }
            folded.Add(stem + ".weight", Fold(tensor.Data, magnitude.Data, rows), tensor.Shape);
        }
        if (problems.Count > 0)
            throw new WeightMismatchException($"{weights.Source}: weight norm pairs are incomplete: {string.Join("; ", problems)}.");
        return folded;
    }

    /// <summary>Folds one pair: <paramref name="direction"/> has <paramref name="rows"/> rows of equal length, <paramref name="magnitude"/> one value per row.</summary>
    public static float[] Fold(float[] direction, float[] magnitude, long rows)
    {
        int rowLength = (int)(direction.Length / rows);
        var result = new float[direction.Length];
        for (int r = 0; r < rows; r++)
        {
            var row = direction.AsSpan(r * rowLength, rowLength);
            double sumSquares = 0;
            foreach (float v in row) sumSquares += (double)v * v;
            double scale = magnitude[r] / Math.Sqrt(sumSquares);
            for (int i = 0; i < rowLength; i++) result[r * rowLength + i] = (float)(row[i] * scale);
        }
        return result;
    }

    private static string Stem(string name) => name[..^Magnitude.Length];
}
