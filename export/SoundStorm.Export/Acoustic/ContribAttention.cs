using SoundStorm.Export.Onnx;

namespace SoundStorm.Export.Acoustic;

/// <summary>
/// ONNX Runtime's com.microsoft <c>MultiHeadAttention</c> node as the fused graphs use it, with the key padding terms
/// made once per graph. The CPU kernel runs flash attention (the scores live only in cache-sized blocks) only when the
/// node has no mask input, so attention with key padding branches once per node on whether the batch has any: none —
/// the mask-free node; some — the node with the mask (the unfused kernel, which still does scores, mask and softmax in
/// one pass per head).
/// </summary>
internal sealed class ContribAttention
{
    private readonly GraphValue _keep, _anyPadding;
    private readonly long _heads;
    private readonly float _scale;

    /// <param name="g">The graph.</param>
    /// <param name="padding">bool [B, T], true = padding.</param>
    /// <param name="heads">Attention heads.</param>
    /// <param name="headDim">Width of one head (the scores are scaled by its inverse square root).</param>
    public ContribAttention(OnnxGraphBuilder g, GraphValue padding, long heads, long headDim)
    {
        _heads = heads;
        _scale = (float)(1.0 / Math.Sqrt(headDim));
        _keep = g.Cast(g.Not(padding), ElementType.Int32); // the key padding mask: 1 = attend, 0 = padding
        var paddingCount = g.ReduceSum(g.Cast(padding, ElementType.Int64), new long[] { 0, 1 }, keepDims: false);
        _anyPadding = g.Node("Greater", new[] { paddingCount, g.Int64Scalar(0) });
    }

    /// <summary>Attention of <paramref name="q"/> to <paramref name="k"/> and <paramref name="v"/> whose keys are the padded sequence's frames.</summary>
    public GraphValue WithKeyPadding(OnnxGraphBuilder g, GraphValue q, GraphValue k, GraphValue v)
    {
        var none = new GraphValue(string.Empty); // an omitted optional input (the packed q/k/v bias)
        return g.If(_anyPadding, ElementType.Float, () => Node(g, q, k, v, none, _keep), () => Node(g, q, k, v));
    }

    /// <summary>Attention with no mask (keys that are never padding).</summary>
    public GraphValue Unmasked(OnnxGraphBuilder g, GraphValue q, GraphValue k, GraphValue v) => Node(g, q, k, v);

    private GraphValue Node(OnnxGraphBuilder g, params GraphValue[] inputs) =>
        g.DomainNode(OnnxGraphBuilder.MicrosoftDomain, "MultiHeadAttention", inputs, 1,
            NodeAttribute.Int("num_heads", _heads), NodeAttribute.Float("scale", _scale), NodeAttribute.Float("mask_filter_value", -1e9f))[0];
}
