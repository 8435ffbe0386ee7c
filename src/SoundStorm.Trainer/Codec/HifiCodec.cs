using TorchSharp;
using SoundStorm.Export.Codec;
using SoundStorm.Export.Weights;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Codec;

/// <summary>
/// The whole HiFi-Codec as one trainable TorchSharp module. Its state-dict names are the <c>g_XXXXXXXX</c> checkpoint's
/// container + key (<c>encoder.conv_pre.weight_g</c>, <c>quantizer.quantizer_modules.0.embedding.weight</c>,
/// <c>generator.ups.0.weight_v</c> …), so <see cref="ToWeightSet"/> feeds the ONNX importer's checks and writers directly.
/// </summary>
internal sealed class HifiCodec : nn.Module
{
    private readonly HifiCodecEncoder encoder;
    private readonly GroupResidualQuantizer quantizer;
    private readonly HifiCodecGenerator generator;

    /// <summary>Creates the codec with fresh weights for <paramref name="config"/>.</summary>
    public HifiCodec(HifiCodecConfig config) : base(nameof(HifiCodec))
    {
        Config = config;
        encoder = new HifiCodecEncoder(config);
        quantizer = new GroupResidualQuantizer(config);
        generator = new HifiCodecGenerator(config);
        RegisterComponents();
    }

    /// <summary>The architecture.</summary>
    public HifiCodecConfig Config { get; }

    /// <summary>Waveform → latent.</summary>
    public HifiCodecEncoder Encoder => encoder;

    /// <summary>Latent → codes and quantised latent.</summary>
    public GroupResidualQuantizer Quantizer => quantizer;

    /// <summary>Quantised latent → waveform.</summary>
    public HifiCodecGenerator Generator => generator;

    /// <summary>One training pass: reconstruction [B, 1, hop·T], VQ loss (scalar) and codes [B, T, L·G] for waveform [B, 1, N].</summary>
    public (Tensor Reconstruction, Tensor VqLoss, Tensor Codes) forward(Tensor waveform)
    {
        var q = quantizer.forward(encoder.forward(waveform));
        return (generator.forward(q.Quantized), q.Loss, q.Codes);
    }

    /// <summary>Latent [B, D, ⌊N/hop⌋] of waveform [B, 1, N].</summary>
    public Tensor EncodeLatent(Tensor waveform) => encoder.forward(waveform);

    /// <summary>Codes int64 [B, ⌊N/hop⌋, L·G] of waveform [B, 1, N].</summary>
    public Tensor Encode(Tensor waveform) => quantizer.forward(encoder.forward(waveform)).Codes;

    /// <summary>Σ levels of codewords [B, D, T] for codes [B, T, L·G].</summary>
    public Tensor Dequantize(Tensor codes) => quantizer.Dequantize(codes);

    /// <summary>Waveform [B, 1, hop·T] for codes [B, T, L·G].</summary>
    public Tensor Decode(Tensor codes) => generator.forward(quantizer.Dequantize(codes));

    /// <summary>
    /// Copies weights with checkpoint names (e.g. <c>HifiCodecImporter.ReadWeights</c> of a <c>g_XXXXXXXX</c> file) into
    /// the parameters; the set must match this configuration exactly (checked first, all differences in one exception).
    /// </summary>
    public void LoadWeights(WeightSet weights)
    {
        SoundStorm.Export.Import.HifiCodecImporter.CheckTensors(weights, Config);
        using var _ = no_grad();
        foreach (var (name, tensor) in state_dict())
        {
            var source = weights.Peek(name);
            tensor.copy_(torch.tensor(source.Data, source.Shape));
        }
    }

    /// <summary>The parameters as float32 weights under their checkpoint names (weight norm still split).</summary>
    public WeightSet ToWeightSet()
    {
        var weights = new WeightSet("TorchSharp HifiCodec");
        foreach (var (name, tensor) in state_dict())
        {
            using var cpu = tensor.detach().cpu().to_type(ScalarType.Float32).contiguous();
            weights.Add(name, cpu.data<float>().ToArray(), cpu.shape);
        }
        return weights;
    }
}
