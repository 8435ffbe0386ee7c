using System.Text.RegularExpressions;

namespace SoundStorm.Export.Onnx.Quantization;

/// <summary>
/// Which weight matrices <see cref="Int8Options.FloatEdgeBlocks"/> keeps in float32: those of the first and last
/// blocks of the stack (the exporters name a transformer block's weights <c>blocks.{i}.…</c>), except attention's.
/// </summary>
internal static partial class EdgeBlocks
{
    [GeneratedRegex(@"^blocks\.(\d+)\.([^.]+)")]
    private static partial Regex BlockWeight();

    /// <summary>
    /// The names among <paramref name="weights"/> that sit in the first or last <paramref name="edge"/> blocks and
    /// outside attention (their first name part after the block index does not contain <c>attn</c>).
    /// </summary>
    public static HashSet<string> FloatNames(IEnumerable<string> weights, int edge)
    {
        var kept = new HashSet<string>(StringComparer.Ordinal);
        if (edge <= 0) return kept;
        var blockOf = new List<(string Name, int Block, string Part)>();
        foreach (string name in weights)
            if (BlockWeight().Match(name) is { Success: true } m)
                blockOf.Add((name, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m.Groups[2].Value));
        if (blockOf.Count == 0) return kept;
        int blocks = blockOf.Max(b => b.Block) + 1;
        foreach (var (name, block, part) in blockOf)
            if ((block < edge || block >= blocks - edge) && !part.Contains("attn", StringComparison.Ordinal))
                kept.Add(name);
        return kept;
    }
}
