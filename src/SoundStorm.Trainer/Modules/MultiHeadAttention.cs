using TorchSharp;
using TorchSharp.Modules;
using SoundStorm.Trainer.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Modules;

/// <summary>
/// Multi-head attention with separate <c>key</c>, <c>query</c>, <c>value</c> and <c>proj</c> Linears (all with bias),
/// as in the seed model. Self-attention when keys/values come from the queries' own sequence, cross-attention when
/// they come from a condition sequence of width <c>contextWidth</c>. No positional terms inside.
/// </summary>
internal sealed class MultiHeadAttention : nn.Module<Tensor, Tensor, Tensor?, Tensor>
{
    private readonly Linear key;
    private readonly Linear query;
    private readonly Linear value;
    private readonly Linear proj;
    private readonly long heads;

    /// <summary>Creates attention over <paramref name="width"/> with <paramref name="heads"/> heads.</summary>
    public MultiHeadAttention(long width, long contextWidth, long heads) : base(nameof(MultiHeadAttention))
    {
        if (width % heads != 0)
            throw new ArgumentException($"width {width} is not divisible by the head count {heads}", nameof(heads));
        this.heads = heads;
        key = nn.Linear(contextWidth, width);
        query = nn.Linear(width, width);
        value = nn.Linear(contextWidth, width);
        proj = nn.Linear(width, width);
        RegisterComponents();
    }

    /// <summary>
    /// x (B,T,D) queries; context (B,L,C) keys/values; keyPadding (B,L) bool, true = ignore that key (or null).
    /// Returns (B,T,D).
    /// </summary>
    public override Tensor forward(Tensor x, Tensor context, Tensor? keyPadding)
    {
        long b = x.shape[0], t = x.shape[1], l = context.shape[1], d = x.shape[2], hd = d / heads;
        Tensor q = query.forward(x).view(b, t, heads, hd).transpose(1, 2);
        Tensor k = key.forward(context).view(b, l, heads, hd).transpose(1, 2);
        Tensor v = value.forward(context).view(b, l, heads, hd).transpose(1, 2);
        Tensor scores = matmul(q, k.transpose(-2, -1)) * (1.0 / Math.Sqrt(hd));
        if (keyPadding is not null)
            scores = scores.masked_fill(keyPadding.view(b, 1, 1, l), HeldScalars.Of(double.NegativeInfinity));
        Tensor y = matmul(scores.softmax(-1), v).transpose(1, 2).contiguous().view(b, t, d);
        return proj.forward(y);
    }
}
