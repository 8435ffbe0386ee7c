using TorchSharp;
using static TorchSharp.torch;
using SoundStorm.Trainer.Training;

namespace SoundStorm.Trainer.Codec.Adversarial;

/// <summary>What one sub-discriminator says about a batch: real/fake scores [B, N] and its intermediate activations (for feature matching).</summary>
internal sealed record DiscriminatorOutput(Tensor Scores, IReadOnlyList<Tensor> Features)
{
    /// <summary>HiFi-GAN's sub-discriminator body: each conv then leaky ReLU (slope 0.1), then the score conv; every activation is kept.</summary>
    public static DiscriminatorOutput Run(Tensor x, IEnumerable<nn.Module<Tensor, Tensor>> convs, nn.Module<Tensor, Tensor> scoreConv)
    {
        var features = new List<Tensor>();
        foreach (var conv in convs)
        {
            x = conv.forward(x).leaky_relu(HeldScalars.Of(0.1));
            features.Add(x);
        }
        x = scoreConv.forward(x);
        features.Add(x);
        return new DiscriminatorOutput(x.flatten(1), features);
    }
}
