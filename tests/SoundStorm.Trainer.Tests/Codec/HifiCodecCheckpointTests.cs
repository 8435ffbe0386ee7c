using SoundStorm.Export.Codec;
using SoundStorm.Export.Import;
using SoundStorm.Trainer.Codec;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.Codec;

/// <summary>The reference AcademiCodec checkpoint loaded into the TorchSharp codec reproduces the upstream PyTorch outputs.</summary>
public sealed class HifiCodecCheckpointTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly string Reference = Path.GetFullPath(Path.Combine(TestPaths.SeedReference, "..", "hificodec"));

    private static Tensor Load(string name) => Npy.Read(Path.Combine(Reference, name)).ToTensor();

    [ReferenceFact]
    public void Loaded_reference_checkpoint_reproduces_codes_latent_and_waveform()
    {
        using var scope = NewDisposeScope();
        using var codec = new HifiCodec(HifiCodecConfig.Load(Path.Combine(Reference, "config.json")));
        codec.LoadWeights(HifiCodecImporter.ReadWeights(Path.Combine(Reference, "g_00000000.pth")));
        codec.eval();
        using var _ = no_grad();

        var waveform = Load("input_wav.npy").unsqueeze(1); // [1, 1, 16000]
        var latent = codec.EncodeLatent(waveform);
        var codes = codec.Encode(waveform);
        var decoded = codec.Decode(Load("codes.npy"));

        Assert.Equal(Load("codes.npy").data<long>().ToArray(), codes.data<long>().ToArray());
        Check("encoder_out.npy", latent, Load("encoder_out.npy"));
        Check("decoded_wav.npy", decoded, Load("decoded_wav.npy"));
    }

    private void Check(string file, Tensor actual, Tensor expected)
    {
        Assert.Equal(expected.shape, actual.shape);
        double error = SmallCodec.RelativeError(SmallCodec.Doubles(actual), SmallCodec.Doubles(expected));
        output.WriteLine($"{file}: relative error {error:E2}");
        Assert.True(error <= 1e-4, $"{file}: relative error {error:E3}");
    }
}
