using TorchSharp;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Training;

/// <summary>
/// AdamW (decoupled weight decay, Loshchilov &amp; Hutter) with bias correction, written out so that its state
/// (first/second moments per parameter and the step count) can be saved with the model and restored exactly.
/// Weight decay applies to matrices and tables (dim ≥ 2), not to biases and norm scales. Saving and restoring that
/// state is the checkpoint side's job (<c>CheckpointStore.AdamTensors</c>, <c>CheckpointStore.LoadState</c>): the
/// optimiser knows nothing of files.
/// </summary>
internal sealed class AdamW : IDisposable
{
    private readonly (string Name, Tensor Param, Tensor M, Tensor V)[] _slots;

    /// <summary>Creates zeroed moments for every parameter of <paramref name="parameters"/>.</summary>
    public AdamW(IEnumerable<(string Name, Tensor Param)> parameters, double beta1 = 0.9, double beta2 = 0.98, double epsilon = 1e-8, double weightDecay = 0.01)
    {
        _slots = parameters.Select(p => (p.Name, p.Param, zeros_like(p.Param).DetachFromDisposeScope(), zeros_like(p.Param).DetachFromDisposeScope())).ToArray();
        (Beta1, Beta2, Epsilon, WeightDecay) = (beta1, beta2, epsilon, weightDecay);
    }

    /// <summary>β₁.</summary>
    public double Beta1 { get; }

    /// <summary>β₂.</summary>
    public double Beta2 { get; }

    /// <summary>ε.</summary>
    public double Epsilon { get; }

    /// <summary>Decoupled weight decay.</summary>
    public double WeightDecay { get; }

    /// <summary>Updates taken so far (bias correction uses it).</summary>
    public long Steps { get; set; }

    /// <summary>The moment tensors by name (<c>m.{param}</c>, <c>v.{param}</c>), for checkpoints; restoring one copies into it.</summary>
    public IEnumerable<(string Name, Tensor Value)> State =>
        _slots.SelectMany(s => new[] { ("m." + s.Name, s.M), ("v." + s.Name, s.V) });

    /// <summary>Zeroes every gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var s in _slots) s.Param.grad?.zero_();
    }

    /// <summary>√(Σ‖g‖²) over all gradients; when above <paramref name="maxNorm"/> (&gt; 0) scales them down to it. Returns the norm before clipping.</summary>
    public double ClipGradNorm(double maxNorm)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var grads = _slots.Select(s => s.Param.grad).OfType<Tensor>().ToArray();
        if (grads.Length == 0) return 0;
        double norm = Math.Sqrt(grads.Sum(g => g.square().sum().item<float>()));
        if (maxNorm > 0 && norm > maxNorm)
        {
            using Scalar scale = (float)(maxNorm / (norm + 1e-6)); // held: see Step
            foreach (var g in grads) g.mul_(scale);
        }
        return norm;
    }

    /// <summary>One update at learning rate <paramref name="lr"/>.</summary>
    public void Step(double lr)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Steps++;
        double correction1 = 1 - Math.Pow(Beta1, Steps), correction2 = 1 - Math.Pow(Beta2, Steps);
        // TorchSharp hands a Scalar's native handle to libtorch without keeping the managed object alive, so an implicit
        // double → Scalar temporary can be finalised by a collection on another thread while libtorch still reads it (a
        // garbage value, or "Expected false to be true" from Scalar::toDouble, once in thousands of steps). Each scalar
        // is therefore one variable held until the end of the step.
        using Scalar decay = 1 - lr * WeightDecay, beta1 = Beta1, keep1 = 1 - Beta1, beta2 = Beta2, keep2 = 1 - Beta2;
        using Scalar bias2 = correction2, epsilon = Epsilon, stepSize = -lr / correction1, one = 1;
        foreach (var (_, p, m, v) in _slots)
        {
            if (p.grad is not { } g) continue;
            if (WeightDecay > 0 && p.dim() >= 2) p.mul_(decay);
            m.mul_(beta1).add_(g, alpha: keep1);
            v.mul_(beta2).addcmul_(g, g, value: keep2);
            // add_(Scalar) would make its alpha = 1 an implicit temporary as well: pass a held one.
            Tensor denominator = v.div(bias2).sqrt_().add_(epsilon, one);
            p.addcdiv_(m, denominator, value: stepSize);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var s in _slots) { s.M.Dispose(); s.V.Dispose(); }
    }
}
