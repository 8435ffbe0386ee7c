using TorchSharp;
using TorchSharp.Modules;
using SoundStorm.Trainer.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Paper;

/// <summary>
/// Self-attention with rotary positions on queries and keys and a key-padding mask; names <c>query</c>, <c>key</c>,
/// <c>value</c>, <c>proj</c>. Padded keys get −1e9 (not −∞) so that fully padded rows stay finite, as in the graph.
/// </summary>
internal sealed class RotarySelfAttention : nn.Module
{
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly Linear proj;
    private readonly long heads;

    /// <summary>Creates attention of width <paramref name="dim"/> with <paramref name="heads"/> heads.</summary>
    public RotarySelfAttention(long dim, long heads) : base(nameof(RotarySelfAttention))
    {
        this.heads = heads;
        query = nn.Linear(dim, dim);
        key = nn.Linear(dim, dim);
        value = nn.Linear(dim, dim);
        proj = nn.Linear(dim, dim);
        RegisterComponents();
    }

    /// <summary>x [B, T, D]; padding [B, T] bool (true = padding); cos/sin [T, headDim] → [B, T, D].</summary>
    public Tensor Forward(Tensor x, Tensor padding, Tensor cos, Tensor sin) =>
        ForwardMasked(x, padding.view(x.shape[0], 1, 1, x.shape[1]), cos, sin);

    /// <summary>As <see cref="Forward"/> with any mask that broadcasts to [B, heads, T, T] (true = blocked), e.g. a causal one.</summary>
    public Tensor ForwardMasked(Tensor x, Tensor blocked, Tensor cos, Tensor sin)
    {
        long b = x.shape[0], t = x.shape[1], d = x.shape[2], hd = d / heads;
        Tensor Split(Tensor v) => v.view(b, t, heads, hd).transpose(1, 2);
        Tensor q = RotaryTables.Apply(Split(query.forward(x)), cos, sin);
        Tensor k = RotaryTables.Apply(Split(key.forward(x)), cos, sin);
        Tensor v = Split(value.forward(x));
        Tensor scores = matmul(q, k.transpose(2, 3)).mul(HeldScalars.Of(1.0 / Math.Sqrt(hd)));
        scores = scores.masked_fill(blocked, HeldScalars.Of(-1e9));
        Tensor merged = matmul(scores.softmax(-1), v).transpose(1, 2).contiguous().view(b, t, d);
        return proj.forward(merged);
    }
}
