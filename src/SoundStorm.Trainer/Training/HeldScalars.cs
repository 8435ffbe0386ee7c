using System.Collections.Concurrent;
using TorchSharp;

namespace SoundStorm.Trainer.Training;

/// <summary>
/// TorchSharp <see cref="Scalar"/>s that live for the whole process, one per value. TorchSharp hands a Scalar's native
/// handle to libtorch without keeping the managed object alive, so an implicit double → Scalar temporary (as in
/// <c>x.pow(2)</c> or <c>x.clamp_min(1e-5)</c>) can be finalised by a collection on another thread while libtorch still
/// reads it: garbage exponents, NaN losses or "Expected false to be true" from <c>Scalar::toDouble</c>, now and then.
/// Hot training code passes these instead; the set of constants it uses is small and fixed.
/// </summary>
internal static class HeldScalars
{
    private static readonly ConcurrentDictionary<double, Scalar> Cache = new();

    /// <summary>The held Scalar of <paramref name="value"/> (a double Scalar; never disposed).</summary>
    public static Scalar Of(double value) => Cache.GetOrAdd(value, v => v.ToScalar());
}
