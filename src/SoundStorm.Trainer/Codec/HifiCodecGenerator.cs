using TorchSharp;
using TorchSharp.Modules;
using SoundStorm.Export.Codec;
using static TorchSharp.torch;
using SoundStorm.Trainer.Training;

namespace SoundStorm.Trainer.Codec;

/// <summary>The codec decoder (AcademiCodec <c>Generator</c>, HiFi-GAN V1 layout): latent [B, D, T] → waveform [B, 1, hop·T] in (−1, 1).</summary>
internal sealed class HifiCodecGenerator : nn.Module<Tensor, Tensor>
{
    private readonly WeightNormConv1d conv_pre;
    private readonly ModuleList<WeightNormConv1d> ups;
    private readonly ModuleList<ResBlock1> resblocks;
    private readonly WeightNormConv1d conv_post;
    private readonly HifiCodecConfig _config;

    /// <summary>Creates the generator for <paramref name="config"/>.</summary>
    public HifiCodecGenerator(HifiCodecConfig config) : base(nameof(HifiCodecGenerator))
    {
        _config = config;
        conv_pre = new WeightNormConv1d(config.LatentDim, config.UpsampleInitialChannel, 7, padding: 3);
        var up = new List<WeightNormConv1d>();
        var blocks = new List<ResBlock1>();
        for (int i = 0; i < config.Stages; i++)
        {
            int kernel = config.UpsampleKernelSizes[i], rate = config.UpsampleRates[i], ch = config.GeneratorChannels(i);
            up.Add(new WeightNormConv1d(config.UpsampleInitialChannel >> i, ch, kernel, rate, HifiCodecConfig.StridedPadding(kernel, rate), transposed: true));
            for (int j = 0; j < config.KernelsPerStage; j++)
                blocks.Add(new ResBlock1(ch, config.ResblockKernelSizes[j], config.ResblockDilationSizes[j]));
        }
        ups = nn.ModuleList(up.ToArray());
        resblocks = nn.ModuleList(blocks.ToArray());
        conv_post = new WeightNormConv1d(config.GeneratorChannels(config.Stages - 1), 1, 7, padding: 3);
        RegisterComponents();
    }

    /// <summary>latent [B, D, T] → waveform [B, 1, hop·T].</summary>
    public override Tensor forward(Tensor x)
    {
        int k = _config.KernelsPerStage;
        x = conv_pre.forward(x);
        for (int i = 0; i < _config.Stages; i++)
        {
            x = ups[i].forward(x.leaky_relu(HeldScalars.Of(HifiCodecConfig.LeakySlope)));
            Tensor? sum = null;
            for (int j = 0; j < k; j++)
            {
                var r = resblocks[i * k + j].forward(x);
                sum = sum is null ? r : sum + r;
            }
            x = sum!.div(HeldScalars.Of(k));
        }
        return tanh(conv_post.forward(x.leaky_relu(HeldScalars.Of(HifiCodecConfig.GeneratorPostSlope))));
    }
}
