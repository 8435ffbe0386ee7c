using TorchSharp;
using TorchSharp.Modules;
using SoundStorm.Export.Codec;
using static TorchSharp.torch;
using SoundStorm.Trainer.Training;

namespace SoundStorm.Trainer.Codec;

/// <summary>
/// The codec encoder (AcademiCodec <c>Encoder</c>): waveform [B, 1, N] → latent [B, D, ⌊N/hop⌋]. Stages mirror the
/// generator (config lists reversed); each stage's resblocks are summed with a GroupNorm after every partial sum.
/// </summary>
internal sealed class HifiCodecEncoder : nn.Module<Tensor, Tensor>
{
    private readonly WeightNormConv1d conv_pre;
    private readonly ModuleList<WeightNormConv1d> ups;
    private readonly ModuleList<ResBlock1> resblocks;
    private readonly ModuleList<GroupNorm> normalize;
    private readonly Conv1d conv_post;
    private readonly HifiCodecConfig _config;

    /// <summary>Creates the encoder for <paramref name="config"/>.</summary>
    public HifiCodecEncoder(HifiCodecConfig config) : base(nameof(HifiCodecEncoder))
    {
        _config = config;
        conv_pre = new WeightNormConv1d(1, config.EncoderInitialChannel, 7, padding: 3);
        var down = new List<WeightNormConv1d>();
        var blocks = new List<ResBlock1>();
        var norms = new List<GroupNorm>();
        for (int i = 0; i < config.Stages; i++)
        {
            int ch = config.EncoderChannels(i), kernel = config.EncoderKernel(i), stride = config.EncoderStride(i);
            down.Add(new WeightNormConv1d(ch / 2, ch, kernel, stride, HifiCodecConfig.StridedPadding(kernel, stride)));
            for (int j = 0; j < config.KernelsPerStage; j++)
            {
                blocks.Add(new ResBlock1(ch, config.EncoderResblockKernel(j), config.EncoderResblockDilations(j)));
                var norm = nn.GroupNorm(config.EncoderNormGroups(i), ch, HifiCodecConfig.GroupNormEps);
                // TorchSharp 0.107 leaves GroupNorm's affine parameters uninitialised (seen as 0 and 5e26): set PyTorch's 1 and 0.
                using (no_grad())
                {
                    norm.weight!.fill_(1);
                    norm.bias!.zero_();
                }
                norms.Add(norm);
            }
        }
        ups = nn.ModuleList(down.ToArray());
        resblocks = nn.ModuleList(blocks.ToArray());
        normalize = nn.ModuleList(norms.ToArray());
        conv_post = nn.Conv1d(config.LatentDim, config.LatentDim, 3, padding: 1);
        RegisterComponents();
    }

    /// <summary>x [B, 1, N] → latent [B, D, ⌊N/hop⌋].</summary>
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
                sum = normalize[i * k + j].forward(sum is null ? r : sum + r);
            }
            x = sum!.div(HeldScalars.Of(k));
        }
        return conv_post.forward(x.leaky_relu(HeldScalars.Of(HifiCodecConfig.EncoderPostSlope)));
    }
}
