namespace SoundStorm.Export.Tests.Onnx;

/// <summary>A model whose weights exceed protobuf's 2 GiB message limit is written with external data and loads.</summary>
public class LargeModelTests
{
    [Fact]
    public void Model_with_more_than_2GiB_of_weights_uses_external_data_and_runs()
    {
        const long perTensor = 190_000_000; // three of these: 2.28 GB of float32
        float[] fills = { 1.5f, 2.5f, 3.5f };
        string dir = Path.Combine(Path.GetTempPath(), "soundstorm-large-model", Guid.NewGuid().ToString("N"));
        string path = Path.Combine(dir, "large.onnx");
        try
        {
            var g = new OnnxGraphBuilder("large");
            var index = g.Input("index", ElementType.Int64, 2);
            GraphValue? sum = null;
            for (int i = 0; i < fills.Length; i++)
            {
                float fill = fills[i];
                var w = g.Initializer($"w{i}", TensorData.Streamed(ElementType.Float, new[] { perTensor }, perTensor * 4, s => WriteConstant(s, fill, perTensor)));
                var picked = g.Gather(w, index);
                sum = sum is null ? picked : g.Add(sum.Value, picked);
            }
            g.Output(sum!.Value, "y", ElementType.Float, 2);
            var model = g.Build();
            Assert.True(model.WeightBytes > (2L << 30));
            model.Save(path);

            Assert.True(new FileInfo(path).Length < 1 << 20, "weights must not be inline");
            Assert.True(new FileInfo(path + ".data").Length >= model.WeightBytes);
            OnnxChecker.Check(path);
            var y = OrtRunner.RunFile(path, new Feed("index", new long[] { 0, perTensor - 1 }, new long[] { 2 }))["y"];
            Assert.Equal(new[] { 7.5, 7.5 }, y.Data);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static void WriteConstant(Stream stream, float value, long count)
    {
        var chunk = new float[1 << 18];
        Array.Fill(chunk, value);
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(chunk.AsSpan());
        for (long left = count; left > 0; left -= chunk.Length)
            stream.Write(bytes[..(int)(Math.Min(left, chunk.Length) * 4)]);
    }
}
