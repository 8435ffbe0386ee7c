using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Tests.Support;

/// <summary>Random weights kept twice: rounded to float32 for the graph, and as float64 for the reference.</summary>
public sealed class RandomWeights(int seed)
{
    private readonly Random _rng = new(seed);
    public WeightSet Set { get; } = new("test weights");
    public Dictionary<string, DTensor> Ref { get; } = new();

    public DTensor Add(string name, double scale, params int[] shape)
    {
        var t = DTensor.Random(_rng, scale, shape).RoundedToFloat();
        Set.Add(name, t.ToFloat(), t.LongShape);
        Ref[name] = t;
        return t;
    }

    public DTensor Input(double scale, params int[] shape) => DTensor.Random(_rng, scale, shape).RoundedToFloat();

    public (DTensor W, DTensor B) Linear(string prefix, int inF, int outF) =>
        (Add(prefix + ".weight", 1 / Math.Sqrt(inF), outF, inF), Add(prefix + ".bias", 0.1, outF));
}
