using SoundStorm.Onnx.Generation.Diffusion;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Seed;

/// <summary>The loss of one batch and the per-item terms the timestep statistics need.</summary>
/// <param name="Total">Σ_b (L_t/p_t + w_t·L_aux/p_t) / (B·n_q·T): the scalar to minimise (padding counts in the denominator).</param>
/// <param name="PerItem">L_t per item: KL(q(x_{t−1}|x_t,x_0) ‖ p_θ(x_{t−1}|x_t)) summed over non-padding positions, or the decoder NLL when t = 0.</param>
/// <param name="Auxiliary">The auxiliary term per item: KL(x_0 ‖ p̂₀) over the real classes (decoder NLL when t = 0).</param>
/// <param name="LogModel">log p_θ(x_{t−1}|x_t) (B, C, P).</param>
internal sealed record DiffusionLoss(Tensor Total, Tensor PerItem, Tensor Auxiliary, Tensor LogModel);

/// <summary>
/// The seed family's mask-and-replace discrete-diffusion objective (upstream-facts §2.4–2.5, VQ-Diffusion lineage) as
/// TorchSharp tensor code over the float32 schedule buffers of <see cref="DiffusionSchedule"/>. Layout: log-probability
/// tensors are (B, C, P) with C classes (the last one is [MASK]) and P = n_q·T codebook-major positions.
/// </summary>
internal sealed class DiffusionObjective : IDisposable
{
    /// <summary>Upstream's stand-in for log 0: log(1e−30).</summary>
    public static readonly double LogZero = Math.Log(1e-30);

    private readonly Tensor _logAt, _logBt, _logCt, _log1MinusCt, _logCumAt, _logCumBt, _logCumCt, _log1MinusCumCt;

    /// <summary>Creates the objective for <paramref name="classes"/> classes (codes + two pads + mask: V + 3).</summary>
    public DiffusionObjective(int classes, int steps = 100, double auxiliaryWeight = 5e-4, bool adaptiveAuxiliary = true)
    {
        Schedule = new DiffusionSchedule(steps, classes);
        AuxiliaryWeight = auxiliaryWeight;
        AdaptiveAuxiliary = adaptiveAuxiliary;
        // The identity entry (index Steps, "t = −1") holds log β̄ = log γ̄ = −∞ as upstream; logaddexp absorbs it.
        _logAt = tensor(Schedule.LogAt); _logBt = tensor(Schedule.LogBt); _logCt = tensor(Schedule.LogCt); _log1MinusCt = tensor(Schedule.Log1MinusCt);
        _logCumAt = tensor(Schedule.LogCumAt); _logCumBt = tensor(Schedule.LogCumBt); _logCumCt = tensor(Schedule.LogCumCt); _log1MinusCumCt = tensor(Schedule.Log1MinusCumCt);
    }

    /// <summary>The schedule (shared with the runtime sampler).</summary>
    public DiffusionSchedule Schedule { get; }

    /// <summary>Number of diffusion steps (100).</summary>
    public int Steps => Schedule.Steps;

    /// <summary>Classes including the mask.</summary>
    public int Classes => Schedule.Classes;

    /// <summary>The mask class (C − 1).</summary>
    public long MaskId => Classes - 1;

    /// <summary>Weight of the auxiliary x̂₀ term (5e−4 upstream).</summary>
    public double AuxiliaryWeight { get; }

    /// <summary>Scale the auxiliary weight by (1 + t/T) (upstream's adaptive_auxiliary_loss).</summary>
    public bool AdaptiveAuxiliary { get; }

    private static Tensor At(Tensor table, Tensor index) => table.to(index.device).index_select(0, index).view(-1, 1, 1);

    /// <summary>log one-hot (B, C, P) of ids (B, P), with log(1e−30) off the hot class.</summary>
    public Tensor LogOneHot(Tensor ids) =>
        nn.functional.one_hot(ids, Classes).permute(0, 2, 1).to_type(float32).clamp_min(1e-30).log();

    /// <summary>log q(x_t | x_0) for a log distribution over x_0 (B, C, P); t = −1 is the identity.</summary>
    public Tensor QPred(Tensor logX, Tensor t)
    {
        Tensor index = t.remainder(Steps + 1);
        long c = logX.shape[1];
        return cat(new[]
        {
            logaddexp(logX.narrow(1, 0, c - 1) + At(_logCumAt, index), At(_logCumBt, index)),
            logaddexp(logX.narrow(1, c - 1, 1) + At(_log1MinusCumCt, index), At(_logCumCt, index)),
        }, 1);
    }

    /// <summary>log q(x_t | x_{t−1}) for a log distribution over x_{t−1} (B, C, P).</summary>
    public Tensor QPredOneStep(Tensor logX, Tensor t)
    {
        long c = logX.shape[1];
        return cat(new[]
        {
            logaddexp(logX.narrow(1, 0, c - 1) + At(_logAt, t), At(_logBt, t)),
            logaddexp(logX.narrow(1, c - 1, 1) + At(_log1MinusCt, t), At(_logCt, t)),
        }, 1);
    }

    /// <summary>
    /// log p(x_{t−1} | x_t) = Σ_{x_0} q(x_{t−1} | x_t, x_0)·p(x_0) for a log distribution over x_0 (B, C, P) and the
    /// current ids <paramref name="xt"/> (B, P), computed as upstream q_posterior (not renormalised, clamped to [−70, 0]).
    /// </summary>
    public Tensor QPosterior(Tensor logX0, Tensor xt, Tensor t)
    {
        long b = logX0.shape[0], c = logX0.shape[1], p = logX0.shape[2];
        Tensor logXt = LogOneHot(xt);
        Tensor masked = xt.eq(MaskId).unsqueeze(1);
        Tensor logZero = full(b, 1, p, LogZero, dtype: float32, device: logX0.device);

        // log q(x_t | x_0 = k) over the real classes; a masked x_t came from any class with probability γ̄_t.
        Tensor logQt = where(masked, At(_logCumCt, t).expand(b, c - 1, p), QPred(logXt, t).narrow(1, 0, c - 1));
        // log q(x_t | x_{t−1} = k); the mask row is log 0 unless x_t is the mask (then γ_t for real k, 0 for the mask).
        Tensor oneStep = cat(new[] { QPredOneStep(logXt, t).narrow(1, 0, c - 1), logZero }, 1);
        Tensor maskedOneStep = cat(new[] { At(_logCt, t).expand(b, c - 1, p), zeros(b, 1, p, dtype: float32, device: logX0.device) }, 1);
        oneStep = where(masked, maskedOneStep, oneStep);

        Tensor q = cat(new[] { logX0.narrow(1, 0, c - 1) - logQt, logZero }, 1);
        Tensor logNorm = q.logsumexp(1, keepdim: true);
        q = q - logNorm;
        return (QPred(q, t - 1) + oneStep + logNorm).clamp(-70, 0);
    }

    /// <summary>x_t ~ q(x_t | x_0) by Gumbel-max over log q (noise −log(−log(u + 1e−30) + 1e−30)); u uniform (B, C, P).</summary>
    public Tensor Corrupt(Tensor x0, Tensor t, Tensor uniform)
    {
        Tensor gumbel = (uniform + 1e-30).log().neg().add(1e-30).log().neg();
        return (QPred(LogOneHot(x0), t) + gumbel).argmax(1);
    }

    /// <summary>
    /// The training loss from the network's logits (B, C − 1, P) for x_t, the clean ids <paramref name="x0"/> (B, P),
    /// steps <paramref name="t"/> (B,) and their sampling probabilities <paramref name="pt"/> (B,), with
    /// <paramref name="padding"/> (B, P) true at padded positions (excluded from every sum, counted in the denominator).
    /// </summary>
    public DiffusionLoss Loss(Tensor logits, Tensor x0, Tensor xt, Tensor t, Tensor pt, Tensor padding)
    {
        long b = x0.shape[0], p = x0.shape[1], c = Classes;
        Tensor keep = padding.logical_not().to_type(float32);
        Tensor logStart = LogOneHot(x0);
        Tensor logRecon = SeedDiffusionTransformer.LogX0(logits);
        Tensor logModel = QPosterior(logRecon, xt, t);
        Tensor logTrue = QPosterior(logStart, xt, t);

        // mask_weight is [1, 1] upstream: masked and unmasked x_t positions count alike.
        Tensor kl = (logTrue.exp() * (logTrue - logModel)).sum(1).mul(keep).sum(1);
        Tensor nll = (logStart.exp() * logModel).sum(1).neg().mul(keep).sum(1);
        Tensor first = t.eq(0).to_type(float32);
        Tensor lt = first * nll + (1 - first) * kl;

        Tensor start = logStart.narrow(1, 0, c - 1);
        Tensor aux = (start.exp() * (start - logRecon.narrow(1, 0, c - 1))).sum(1).mul(keep).sum(1);
        Tensor auxLoss = first * nll + (1 - first) * aux;
        Tensor weight = (AdaptiveAuxiliary ? t.to_type(float32) / Steps + 1 : ones_like(pt)) * AuxiliaryWeight;

        Tensor total = (lt / pt + weight * auxLoss / pt).sum() / (b * p);
        return new DiffusionLoss(total, lt, auxLoss, logModel);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in new[] { _logAt, _logBt, _logCt, _log1MinusCt, _logCumAt, _logCumBt, _logCumCt, _log1MinusCumCt }) t.Dispose();
    }
}
