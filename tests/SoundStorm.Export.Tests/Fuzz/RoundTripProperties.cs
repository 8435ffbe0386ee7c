using FsCheck;
using Google.Protobuf;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace SoundStorm.Export.Tests.Fuzz;

/// <summary>One tensor to write: element type, shape (empty = a scalar).</summary>
public sealed record TensorCase<TType>(TType Type, long[] Shape)
{
    public override string ToString() => $"{Type}[{string.Join(", ", Shape)}]";
}

/// <summary>Tensors to write together and a seed for their bytes (and for metadata strings).</summary>
public sealed record TensorSetCase<TType>(TensorCase<TType>[] Tensors, int Seed)
{
    public override string ToString() => $"{string.Join("; ", Tensors.Select(t => t.ToString()))} seed {Seed}";
}

/// <summary>FsCheck generators for the round-trip properties.</summary>
public static class ExportRoundTripArbitraries
{
    public static Arbitrary<TensorSetCase<CheckpointDType>> SafetensorsCases() => Arb.From(Sets(Enum.GetValues<CheckpointDType>()));

    public static Arbitrary<TensorSetCase<ElementType>> OnnxCases() => Arb.From(Sets(Enum.GetValues<ElementType>()));

    private static Gen<TensorSetCase<T>> Sets<T>(T[] types) =>
        from count in Gen.Choose(1, 6)
        from tensors in Gen.ArrayOf(
            from type in Gen.Elements(types)
            from rank in Gen.Choose(0, 4)
            from shape in Gen.ArrayOf(Gen.Choose(0, 7).Select(d => (long)d), rank)
            select new TensorCase<T>(type, shape), count)
        from seed in Gen.Choose(0, int.MaxValue)
        select new TensorSetCase<T>(tensors, seed);
}

/// <summary>
/// Write → read is the identity for random valid content: safetensors of every dtype and rank (with metadata), and ONNX
/// models from the builder with initializers of every element type — parsed from bytes, and loaded from a file with the
/// weights inline or in external data.
/// </summary>
[Properties(Arbitrary = [typeof(ExportRoundTripArbitraries)], MaxTest = 60)]
public sealed class RoundTripProperties : IDisposable
{
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "soundstorm-props", Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Property]
    public void Safetensors_round_trip_every_dtype_with_metadata(TensorSetCase<CheckpointDType> c)
    {
        var rng = new Random(c.Seed);
        var tensors = c.Tensors.Select((t, i) => new CheckpointTensor($"layer.{i}.{t.Type}", t.Type, t.Shape,
            RandomBytes(rng, Count(t.Shape) * t.Type.ItemSize(), t.Type == CheckpointDType.Bool))).ToArray();
        var metadata = Enumerable.Range(0, rng.Next(3)).ToDictionary(i => $"key{i}", _ => RandomText(rng));
        string path = Path.Combine(_dir, $"{Guid.NewGuid():N}.safetensors");

        SafeTensorsFile.Write(path, tensors, metadata);
        var read = SafeTensorsFile.Read(path);

        Assert.Equal(metadata, read.Metadata);
        Assert.Equal(tensors.Select(t => t.Name), read.Tensors.Select(t => t.Name));
        foreach (var (written, back) in tensors.Zip(read.Tensors))
        {
            Assert.Equal(written.DType, back.DType);
            Assert.Equal(written.Shape, back.Shape);
            Assert.True(written.Data.Span.SequenceEqual(back.Data.Span), $"{written.Name}: bytes differ");
        }
    }

    [Property]
    public void Onnx_models_from_the_builder_round_trip_with_every_element_type(TensorSetCase<ElementType> c)
    {
        var rng = new Random(c.Seed);
        var g = new OnnxGraphBuilder("roundtrip");
        var x = g.Input("x", ElementType.Float, "batch", 2);
        g.Output(g.Add(x, x), "y", ElementType.Float, "batch", 2);
        var weights = new Dictionary<string, TensorData>();
        foreach (var (t, i) in c.Tensors.Select((t, i) => (t, i)))
        {
            var data = TensorData.FromBytes(t.Type, RandomBytes(rng, Count(t.Shape) * ElementTypeInfo.SizeOf(t.Type), t.Type == ElementType.Bool), t.Shape);
            weights[$"w{i}"] = data;
            g.Output(g.Initializer($"w{i}", data), $"out{i}", t.Type, [.. t.Shape.Select(d => (Dim)d)]);
        }

        OnnxModel built = g.Build();
        byte[] bytes = built.ToBytes();
        AssertSameWeights(OnnxModel.Parse(bytes), weights);
        Assert.Equal(bytes, OnnxModel.Parse(bytes).Proto.ToByteArray()); // parse → serialize reproduces the bytes

        string inline = Path.Combine(_dir, Guid.NewGuid().ToString("N"), "inline.onnx");
        built.Save(inline);
        AssertSameWeights(OnnxModel.Load(inline), weights);

        string external = Path.Combine(_dir, Guid.NewGuid().ToString("N"), "external.onnx");
        built.Save(external, inlineLimit: 0);
        AssertSameWeights(OnnxModel.Load(external), weights);
    }

    private static void AssertSameWeights(OnnxModel model, Dictionary<string, TensorData> weights)
    {
        Assert.Equal(weights.Keys.Order(), model.Proto.Graph.Initializer.Select(t => t.Name).Order());
        foreach (var (name, expected) in weights)
        {
            TensorData actual = model.ReadInitializer(name);
            Assert.Equal(expected.ElementType, actual.ElementType);
            Assert.Equal(expected.Shape, actual.Shape);
            Assert.True(expected.GetBytes().Span.SequenceEqual(actual.GetBytes().Span), $"{name}: bytes differ");
        }
    }

    private static int Count(long[] shape) => (int)shape.Aggregate(1L, (a, d) => a * d);

    private static byte[] RandomBytes(Random rng, int count, bool asBool)
    {
        var bytes = new byte[count];
        rng.NextBytes(bytes);
        if (asBool) for (int i = 0; i < bytes.Length; i++) bytes[i] &= 1;
        return bytes;
    }

    private static readonly string[] TextPieces = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "é", "€", "😀"];

    private static string RandomText(Random rng) => string.Concat(Enumerable.Range(0, rng.Next(0, 20)).Select(_ => TextPieces[rng.Next(TextPieces.Length)]));
}
