using SoundStorm.Export.Onnx;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Codec;

/// <summary>
/// HiFi-Codec's group-residual VQ as ONNX nodes. The latent is split into groups; each group is quantised by an
/// independent residual chain of codebooks. Codes are ordered level-major: c[l·G + g] = level l, group g.
/// </summary>
internal static class GroupResidualQuantizer
{
    /// <summary>Codes and the quantised latent for a latent [B, D, T].</summary>
    public sealed record Quantized(GraphValue Codes, GraphValue Latent);

    /// <summary>
    /// Nearest-codeword search per level and group, distances as upstream computes them:
    /// (‖z‖² + ‖e‖²) − 2·z·e, first index on ties. Returns codes int64 [B, T, L·G] and Σ levels of codewords [B, D, T].
    /// </summary>
    public static Quantized Quantize(OnnxGraphBuilder g, GraphValue latent, HifiCodecConfig c, WeightSet w)
    {
        using var scope = g.Scope("quantizer");
        var frames = g.Transpose(latent, 0, 2, 1); // [B, T, D]
        var batchAndTime = g.Slice(g.Shape(frames), new long[] { 0 }, new long[] { 2 }, new long[] { 0 });
        var rows = g.Reshape(frames, -1, c.LatentDim); // [B·T, D]
        var residual = rows;
        GraphValue? total = null;
        var codes = new List<GraphValue>();
        for (int level = 0; level < c.ResidualLevels; level++)
        {
            var parts = new GraphValue[c.CodeGroups];
            for (int group = 0; group < c.CodeGroups; group++)
            {
                var z = g.Slice(residual, new long[] { group * c.GroupDim }, new long[] { (group + 1) * c.GroupDim }, new long[] { 1 });
                var (index, codeword) = Nearest(g, z, c, w, HifiCodecStateDict.Codebook(level, group));
                codes.Add(g.Unsqueeze(index, 1));
                parts[group] = codeword;
            }
            var q = c.CodeGroups == 1 ? parts[0] : g.Concat(1, parts);
            total = total is null ? q : g.Add(total.Value, q);
            if (level + 1 < c.ResidualLevels) residual = g.Sub(residual, q);
        }
        var codeShape = g.Concat(0, batchAndTime, g.Int64s(c.CodesPerFrame));
        var codeRows = codes.Count == 1 ? codes[0] : g.Concat(1, codes.ToArray());
        var latentShape = g.Concat(0, batchAndTime, g.Int64s(c.LatentDim));
        return new Quantized(g.Reshape(codeRows, codeShape), g.Transpose(g.Reshape(total!.Value, latentShape), 0, 2, 1));
    }

    /// <summary>Per level, the codewords of all groups concatenated, [B, D, T] each; codes int64 [B, T, L·G].</summary>
    public static GraphValue[] DequantizeLevels(OnnxGraphBuilder g, GraphValue codes, HifiCodecConfig c, WeightSet w)
    {
        using var scope = g.Scope("dequantizer");
        var levels = new GraphValue[c.ResidualLevels];
        for (int level = 0; level < c.ResidualLevels; level++)
        {
            var parts = new GraphValue[c.CodeGroups];
            for (int group = 0; group < c.CodeGroups; group++)
            {
                var index = g.Gather(codes, g.Int64Scalar(level * c.CodeGroups + group), axis: 2); // [B, T]
                parts[group] = g.Gather(Codebook(g, c, w, HifiCodecStateDict.Codebook(level, group)), index); // [B, T, d]
            }
            var q = c.CodeGroups == 1 ? parts[0] : g.Concat(2, parts);
            levels[level] = g.Transpose(q, 0, 2, 1);
        }
        return levels;
    }

    private static (GraphValue Index, GraphValue Codeword) Nearest(OnnxGraphBuilder g, GraphValue z, HifiCodecConfig c, WeightSet w, string name)
    {
        var table = Codebook(g, c, w, name);
        var norms = g.Initializer(name + ".squared_norm", TensorData.FromFloat(SquaredNorms(w.Get(name, c.CodebookSize, c.GroupDim).Data, c.GroupDim), c.CodebookSize));
        var zz = g.ReduceSum(g.Mul(z, z), new long[] { 1 });                  // [N, 1]
        var twoZe = g.Node("Gemm", new[] { z, table },                        // 2·z·eᵀ, [N, K]
            NodeAttribute.Float("alpha", 2f), NodeAttribute.Int("transB", 1));
        var distance = g.Sub(g.Add(zz, norms), twoZe);
        var index = g.ArgMin(distance, 1);                                    // [N]
        return (index, g.Gather(table, index));
    }

    private static GraphValue Codebook(OnnxGraphBuilder g, HifiCodecConfig c, WeightSet w, string name) =>
        g.Initializer(name, TensorData.FromFloat(w.Get(name, c.CodebookSize, c.GroupDim).Data, c.CodebookSize, c.GroupDim));

    /// <summary>Σ e² per codeword (float64 sum rounded once; upstream sums in float32, a rounding-level difference).</summary>
    private static float[] SquaredNorms(float[] table, int dim)
    {
        var norms = new float[table.Length / dim];
        for (int r = 0; r < norms.Length; r++)
        {
            double s = 0;
            for (int i = 0; i < dim; i++) s += (double)table[r * dim + i] * table[r * dim + i];
            norms[r] = (float)s;
        }
        return norms;
    }
}
