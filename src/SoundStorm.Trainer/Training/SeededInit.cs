using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Training;

/// <summary>
/// Re-initialises a model from its own generator with PyTorch's default distributions (Linear/Conv: weight and bias
/// U(±1/√fan_in); Embedding: N(0, 1); norms keep ones/zeros); a module with its own rule (<see cref="ISeededReset"/>)
/// re-draws itself and its children instead. Unlike <c>manual_seed</c>, this does not depend on the
/// process-wide generator, so the same seed gives the same model even when other code draws random numbers meanwhile.
/// </summary>
internal static class SeededInit
{
    public static void Apply(nn.Module model, long seed)
    {
        // Held (and disposed) by the using: TorchSharp passes a generator's native handle without keeping the managed
        // object alive, so an unreferenced one can be finalised by a collection on another thread during its last draw
        // (garbage initial weights, now and then). HeldScalars has the same story for scalars.
        using var generator = new Generator((ulong)seed);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var ownRules = new List<string>();
        foreach (var (name, module) in model.named_modules())
        {
            if (ownRules.Any(owner => name.StartsWith(owner + ".", StringComparison.Ordinal))) continue;
            switch (module)
            {
                case ISeededReset own:
                    own.Reset(generator);
                    ownRules.Add(name);
                    break;
                case Embedding e:
                    e.weight!.normal_(0, 1, generator);
                    break;
                case Linear l:
                    Uniform(l.weight!, l.bias, generator);
                    break;
                case Conv1d c:
                    Uniform(c.weight!, c.bias, generator);
                    break;
                case Conv2d c:
                    Uniform(c.weight!, c.bias, generator);
                    break;
            }
        }
    }

    private static void Uniform(Tensor weight, Tensor? bias, Generator generator)
    {
        long fanIn = weight.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        double bound = 1.0 / Math.Sqrt(fanIn);
        weight.uniform_(-bound, bound, generator);
        bias?.uniform_(-bound, bound, generator);
    }
}
