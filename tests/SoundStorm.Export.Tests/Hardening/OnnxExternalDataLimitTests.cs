using SoundStorm.Export.Onnx.Proto;

namespace SoundStorm.Export.Tests.Hardening;

/// <summary>External-data offsets and lengths are checked against the data file without overflowing.</summary>
public sealed class OnnxExternalDataLimitTests : IDisposable
{
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "soundstorm-extdata", Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("offset", "9223372036854775806")] // offset + length wrapped negative and passed the bounds check
    [InlineData("offset", "4096000")]
    [InlineData("length", "9223372036854775807")]
    [InlineData("location", "../outside.data")]
    [InlineData("location", "/etc/passwd")]
    public void Out_of_range_external_data_is_a_format_error(string key, string value)
    {
        var g = new OnnxGraphBuilder("ext");
        var x = g.Input("x", ElementType.Float, 256);
        g.Output(g.Add(x, g.Initializer("w", TensorData.FromFloat(new float[256], 256))), "y", ElementType.Float, 256);
        string path = Path.Combine(_dir, "model.onnx");
        g.Build().Save(path, inlineLimit: 0);

        var model = OnnxModel.Load(path);
        TensorProto w = model.Proto.Graph.Initializer.Single();
        w.ExternalData.Single(e => e.Key == key).Value = value;
        using (var output = File.Create(path)) Google.Protobuf.MessageExtensions.WriteTo(model.Proto, output);

        var reloaded = OnnxModel.Load(path);
        var error = Assert.Throws<OnnxFormatException>(() => reloaded.ReadInitializer("w"));
        Assert.Contains("Tensor 'w'", error.Message);
    }
}
