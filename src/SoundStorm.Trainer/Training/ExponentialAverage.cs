using TorchSharp;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Training;

/// <summary>
/// An exponential moving average of a model's state (parameters averaged, buffers such as BatchNorm statistics copied),
/// kept as a second model instance so it can be exported like the model itself.
/// </summary>
internal sealed class ExponentialAverage
{
    private readonly nn.Module _average;

    /// <summary>Starts the average at the model's current state.</summary>
    public ExponentialAverage(nn.Module model, nn.Module average, double decay)
    {
        _average = average;
        Decay = decay;
        using var _ = no_grad();
        var source = model.state_dict();
        foreach (var (name, t) in average.state_dict()) t.copy_(source[name]);
        average.eval();
    }

    /// <summary>Weight of the old average per update.</summary>
    public double Decay { get; }

    /// <summary>The averaged model.</summary>
    public nn.Module Model => _average;

    /// <summary>average ← decay·average + (1 − decay)·model for floats; other tensors copied.</summary>
    public void Update(nn.Module model)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var source = model.state_dict();
        using Scalar decay = Decay, keep = 1 - Decay; // held for the whole update: see AdamW.Step
        foreach (var (name, t) in _average.state_dict())
        {
            if (t.is_floating_point() && !name.EndsWith("running_mean", StringComparison.Ordinal) && !name.EndsWith("running_var", StringComparison.Ordinal))
                t.mul_(decay).add_(source[name], alpha: keep);
            else
                t.copy_(source[name]);
        }
    }
}
