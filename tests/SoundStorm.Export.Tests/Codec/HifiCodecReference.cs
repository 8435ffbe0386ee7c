using SoundStorm.Export.Codec;
using SoundStorm.Export.Tests.Checkpoints;
using SoundStorm.Export.NumPy;

namespace SoundStorm.Export.Tests.Codec;

/// <summary>
/// The reduced AcademiCodec checkpoint in ../shared/reference/hificodec imported once and both graphs run with
/// every intermediate exposed; shared by the reference tests so the encoder runs only once.
/// </summary>
public sealed class HifiCodecReference
{
    public static readonly string Dir = ReferencePaths.Get("hificodec");

    public HifiCodecReference()
    {
        Config = HifiCodecConfig.Load(Path.Combine(Dir, "config.json"));
        var raw = HifiCodecImporter.ReadWeights(Path.Combine(Dir, "g_00000000.pth"));
        HifiCodecImporter.CheckTensors(raw, Config);
        var folded = WeightNormFolding.Fold(raw);
        var encoder = HifiCodecEncoderGraph.Build(Config, folded, exposeIntermediates: true);
        var decoder = HifiCodecDecoderGraph.Build(Config, folded, exposeIntermediates: true);
        folded.EnsureAllUsed();

        var wav = Npy("input_wav.npy");
        EncoderOutputs = OrtRunner.Run(encoder, new Feed(HifiCodecGraphs.Waveform, wav.ToFloat(), wav.LongShape));
        var codes = NpyFile.Read(Path.Combine(Dir, "codes.npy"));
        ReferenceCodes = codes.ToInt64();
        DecoderOutputs = OrtRunner.Run(decoder, new Feed(HifiCodecGraphs.Codes, ReferenceCodes, codes.Shape.Select(d => (long)d).ToArray()));
    }

    public HifiCodecConfig Config { get; }
    public long[] ReferenceCodes { get; }
    public Dictionary<string, DTensor> EncoderOutputs { get; }
    public Dictionary<string, DTensor> DecoderOutputs { get; }

    public static DTensor Npy(string name)
    {
        var a = NpyFile.Read(Path.Combine(Dir, name));
        return new DTensor(a.ToFloat32().Select(v => (double)v).ToArray(), a.Shape.ToArray());
    }
}
