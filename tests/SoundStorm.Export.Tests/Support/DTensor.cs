namespace SoundStorm.Export.Tests.Support;

/// <summary>A float64 row-major tensor: the independent reference the exported graphs are compared with.</summary>
public sealed class DTensor
{
    public DTensor(double[] data, params int[] shape)
    {
        int n = 1;
        foreach (int d in shape) n *= d;
        if (n != data.Length) throw new ArgumentException($"Shape [{string.Join(",", shape)}] needs {n} values, got {data.Length}.");
        Data = data;
        Shape = shape;
    }

    public double[] Data { get; }
    public int[] Shape { get; }
    public int Rank => Shape.Length;
    public long[] LongShape => Shape.Select(d => (long)d).ToArray();

    public static DTensor Zeros(params int[] shape) => new(new double[shape.Aggregate(1, (a, b) => a * b)], shape);

    public static DTensor Random(Random rng, double scale, params int[] shape)
    {
        var t = Zeros(shape);
        for (int i = 0; i < t.Data.Length; i++) t.Data[i] = (rng.NextDouble() * 2 - 1) * scale;
        return t;
    }

    public float[] ToFloat() => Data.Select(v => (float)v).ToArray();

    /// <summary>The same values rounded to float32 and back, so the reference sees exactly the inputs ORT sees.</summary>
    public DTensor RoundedToFloat() => new(Data.Select(v => (double)(float)v).ToArray(), Shape);

    public DTensor Map(Func<double, double> f) => new(Data.Select(f).ToArray(), Shape);

    public DTensor Reshape(params int[] shape) => new(Data, shape);

    public int Offset(params int[] index)
    {
        int offset = 0;
        for (int i = 0; i < index.Length; i++) offset = offset * Shape[i] + index[i];
        return offset;
    }

    public double this[params int[] index]
    {
        get => Data[Offset(index)];
        set => Data[Offset(index)] = value;
    }
}
