using SoundStorm.Export.Onnx;

namespace SoundStorm.Export.Codec;

/// <summary>
/// Intermediate values of a codec graph: extra float outputs, after the graph's own, when it is built for checking
/// against the PyTorch reference; left out otherwise.
/// </summary>
internal sealed class CodecTaps(OnnxGraphBuilder g, bool expose)
{
    private readonly List<(GraphValue Value, string Name, Dim[] Shape)> _taps = [];

    public void Add(GraphValue value, string name, params Dim[] shape) => _taps.Add((value, name, shape));

    /// <summary>Outputs the taps (when exposed) and builds the model with the codec's metadata for <paramref name="role"/>.</summary>
    public OnnxModel Build(HifiCodecConfig c, string role)
    {
        if (expose)
            foreach (var (value, name, shape) in _taps) g.Output(value, name, ElementType.Float, shape);
        return g.Build(HifiCodecGraphs.Options(c, role));
    }
}
