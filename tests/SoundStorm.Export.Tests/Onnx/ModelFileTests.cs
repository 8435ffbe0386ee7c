using SoundStorm.Export.Onnx.Proto;

namespace SoundStorm.Export.Tests.Onnx;

/// <summary>Writing, reading back, external data, and refusal of malformed files.</summary>
public sealed class ModelFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "soundstorm-modelfile-tests", Guid.NewGuid().ToString("N"));

    public ModelFileTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static OnnxModel SmallModel(out float[] weights)
    {
        weights = Enumerable.Range(0, 600).Select(i => (float)Math.Sin(i)).ToArray();
        var g = new OnnxGraphBuilder("small");
        var x = g.Input("x", ElementType.Float, "batch", 20);
        var w = g.Initializer("proj.weight", TensorData.FromFloat(weights, 20, 30));
        var h = g.Initializer("half.bias", TensorData.FromFloatAsHalf(Enumerable.Repeat(0.5f, 30).ToArray(), 30));
        var y = g.Add(g.MatMul(x, w), g.Cast(h, ElementType.Float));
        g.Output(y, "y", ElementType.Float, "batch", 30);
        return g.Build(new ModelOptions
        {
            DocString = "a test model",
            Metadata = new Dictionary<string, string> { ["soundstorm.graph"] = "small", ["frame_rate"] = "50" },
        });
    }

    [Fact]
    public void Saved_model_reads_back_with_graph_weights_and_metadata()
    {
        var model = SmallModel(out var weights);
        string path = Path.Combine(_dir, "small.onnx");
        model.Save(path);
        var loaded = OnnxModel.Load(path);

        Assert.Equal(8, loaded.Proto.IrVersion);
        Assert.Equal(17, Assert.Single(loaded.Proto.OpsetImport).Version);
        Assert.Equal("a test model", loaded.Proto.DocString);
        Assert.Equal("50", loaded.Proto.MetadataProps.Single(p => p.Key == "frame_rate").Value);
        Assert.Equal(new[] { "MatMul", "Cast", "Add", "Identity" }, loaded.Proto.Graph.Node.Select(n => n.OpType));
        Assert.Equal("batch", loaded.Proto.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(20, loaded.Proto.Graph.Input[0].Type.TensorType.Shape.Dim[1].DimValue);
        var w = loaded.ReadInitializer("proj.weight");
        Assert.Equal(new long[] { 20, 30 }, w.Shape);
        Assert.Equal(weights, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(w.GetBytes().Span).ToArray());
        Assert.Equal(ElementType.Float16, loaded.ReadInitializer("half.bias").ElementType);

        // Serializing what we read gives the same bytes as what we wrote.
        Assert.Equal(File.ReadAllBytes(path), loaded.Proto.ToByteArrayFromMessage());
    }

    [Fact]
    public void External_data_model_runs_and_reads_back()
    {
        var model = SmallModel(out var weights);
        string path = Path.Combine(_dir, "ext.onnx");
        model.Save(path, inlineLimit: 0);
        Assert.True(File.Exists(path + ".data"));
        var proj = OnnxModel.Load(path).Proto.Graph.Initializer.Single(t => t.Name == "proj.weight");
        Assert.Equal(TensorProto.Types.DataLocation.External, proj.DataLocation);
        Assert.Equal(weights, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(OnnxModel.Load(path).ReadInitializer("proj.weight").GetBytes().Span).ToArray());

        OnnxChecker.Check(path);
        var x = DTensor.Random(new Random(1), 1, 2, 20).RoundedToFloat();
        var y = OrtRunner.RunFile(path, Feed.Of("x", x))["y"];
        var expected = DTensor.Zeros(2, 30);
        for (int b = 0; b < 2; b++)
            for (int o = 0; o < 30; o++)
            {
                double s = 0.5;
                for (int i = 0; i < 20; i++) s += x[b, i] * weights[i * 30 + o];
                expected[b, o] = s;
            }
        Compare.Close(y, expected);
    }

    [Fact]
    public void Garbage_bytes_are_refused_with_a_format_error()
    {
        string path = Path.Combine(_dir, "garbage.onnx");
        var bytes = new byte[4096];
        new Random(3).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(path));
        Assert.Contains("garbage.onnx", e.Message);
    }

    [Fact]
    public void Truncated_model_is_refused_with_a_format_error()
    {
        string path = Path.Combine(_dir, "cut.onnx");
        SmallModel(out _).Save(path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(path));
    }

    [Fact]
    public void External_location_outside_the_model_folder_is_refused()
    {
        string path = Path.Combine(_dir, "escape.onnx");
        SmallModel(out _).Save(path, inlineLimit: 0);
        var model = OnnxModel.Load(path);
        var tensor = model.Proto.Graph.Initializer.Single(t => t.Name == "proj.weight");
        tensor.ExternalData.Single(e => e.Key == "location").Value = "../../etc/passwd";
        File.WriteAllBytes(path, model.Proto.ToByteArrayFromMessage());
        var e = Assert.Throws<OnnxFormatException>(() => OnnxModel.Load(path).ReadInitializer("proj.weight"));
        Assert.Contains("outside", e.Message);
    }

    [Fact]
    public void Failed_save_leaves_no_file_behind()
    {
        var g = new OnnxGraphBuilder("broken");
        var x = g.Input("x", ElementType.Float, 4);
        var w = g.Initializer("w", TensorData.Streamed(ElementType.Float, new long[] { 1024 }, 4096, s => s.Write(new byte[100])));
        g.Output(g.Add(x, w), "y", ElementType.Float, 1024);
        string path = Path.Combine(_dir, "broken.onnx");
        Assert.Throws<InvalidOperationException>(() => g.Build().Save(path, inlineLimit: 0));
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Checker_is_able_to_reject_a_broken_model()
    {
        if (!OnnxChecker.IsAvailable && !TestTools.Required) return; // nothing to prove without the checker
        var g = new OnnxGraphBuilder("dangling");
        var x = g.Input("x", ElementType.Float, 3);
        g.Output(g.Add(x, new GraphValue("never_defined")), "y", ElementType.Float, 3);
        string path = Path.Combine(_dir, "dangling.onnx");
        g.Build().Save(path);
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => OnnxChecker.Check(path));
    }
}

internal static class ProtoBytes
{
    public static byte[] ToByteArrayFromMessage(this Google.Protobuf.IMessage message) => Google.Protobuf.MessageExtensions.ToByteArray(message);
}
