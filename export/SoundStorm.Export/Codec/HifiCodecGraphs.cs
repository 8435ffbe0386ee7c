using SoundStorm.Export.Onnx;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Codec;

/// <summary>Writes both codec graphs and the metadata the runtime reads from them.</summary>
public static class HifiCodecGraphs
{
    /// <summary>The waveform tensor's name: the encoder's input and the decoder's output (docs/graph-contract.md).</summary>
    public const string Waveform = "waveform";

    /// <summary>The codes tensor's name: the encoder's output and the decoder's input.</summary>
    public const string Codes = "codes";

    /// <summary>
    /// The encoder and decoder graphs from folded weights (see <see cref="WeightNormFolding"/>); every tensor of
    /// <paramref name="weights"/> is fetched with the shape <paramref name="config"/> implies.
    /// </summary>
    public static (OnnxModel Encoder, OnnxModel Decoder) Build(HifiCodecConfig config, WeightSet weights) =>
        (HifiCodecEncoderGraph.Build(config, weights), HifiCodecDecoderGraph.Build(config, weights));

    /// <summary>Model options carrying the codec's rate, hop and code layout as metadata.</summary>
    public static ModelOptions Options(HifiCodecConfig c, string role) => new()
    {
        DocString = $"HiFi-Codec (AcademiCodec) {role} graph",
        Metadata = new Dictionary<string, string>
        {
            ["soundstorm.family"] = "hificodec",
            ["soundstorm.role"] = role,
            ["soundstorm.sample_rate"] = c.SamplingRate.ToString(CultureInfo.InvariantCulture),
            ["soundstorm.hop"] = c.Hop.ToString(CultureInfo.InvariantCulture),
            ["soundstorm.codebooks"] = c.CodesPerFrame.ToString(CultureInfo.InvariantCulture),
            ["soundstorm.codebook_size"] = c.CodebookSize.ToString(CultureInfo.InvariantCulture),
            ["soundstorm.code_groups"] = c.CodeGroups.ToString(CultureInfo.InvariantCulture),
        },
    };
}
