using TorchSharp;
using TorchSharp.Modules;
using SoundStorm.Trainer.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Codec;

/// <summary>
/// A Conv1d or ConvTranspose1d under PyTorch weight norm (dim 0), with the checkpoint's parameter names
/// <c>bias</c>, <c>weight_g</c>, <c>weight_v</c>: weight = weight_g · weight_v / ‖weight_v‖, the norm per index of
/// dim 0 (output channels of a conv, input channels of a transposed conv, whose weight is [in, out, k]).
/// </summary>
internal sealed class WeightNormConv1d : nn.Module<Tensor, Tensor>, ISeededReset
{
    private readonly Parameter bias;
    private readonly Parameter weight_g;
    private readonly Parameter weight_v;
    private readonly bool _transposed;
    private readonly long _stride, _padding, _dilation;

    /// <summary>Creates the layer with PyTorch's default init for v and bias, and g = ‖v‖ (an identity weight norm).</summary>
    public WeightNormConv1d(long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0, long dilation = 1, bool transposed = false)
        : base(nameof(WeightNormConv1d))
    {
        _transposed = transposed;
        (_stride, _padding, _dilation) = (stride, padding, dilation);
        long[] shape = transposed ? new[] { inChannels, outChannels, kernel } : new[] { outChannels, inChannels, kernel };
        using (no_grad())
        {
            weight_v = new Parameter(empty(shape));
            weight_g = new Parameter(empty(shape[0], 1, 1));
            bias = new Parameter(empty(outChannels));
        }
        Draw(null);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public void Reset(Generator generator) => Draw(generator);

    // PyTorch's conv init for v and the bias (U(±1/√(fan_in)), fan_in = dim 1 · kernel), then g = ‖v‖.
    private void Draw(Generator? generator)
    {
        using var _ = no_grad();
        double bound = 1.0 / Math.Sqrt(weight_v.shape[1] * weight_v.shape[2]);
        weight_v.uniform_(-bound, bound, generator);
        weight_g.copy_(Norm(weight_v));
        bias.uniform_(-bound, bound, generator);
    }

    /// <summary>The dense weight the layer applies (what the ONNX importer folds to).</summary>
    public Tensor Weight() => weight_g * weight_v / Norm(weight_v);

    /// <summary>x [B, Cin, T] → [B, Cout, T'].</summary>
    public override Tensor forward(Tensor x) => _transposed
        ? nn.functional.conv_transpose1d(x, Weight(), bias, stride: _stride, padding: _padding, dilation: _dilation)
        : nn.functional.conv1d(x, Weight(), bias, stride: _stride, padding: _padding, dilation: _dilation);

    private static Tensor Norm(Tensor v) => v.square().sum(new long[] { 1, 2 }, keepdim: true).sqrt();
}
