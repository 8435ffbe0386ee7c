using static TorchSharp.torch;
using SoundStorm.Trainer.Training;

namespace SoundStorm.Trainer.Codec.Adversarial;

/// <summary>HiFi-GAN's least-squares GAN losses and feature matching, summed over sub-discriminators.</summary>
internal static class AdversarialLosses
{
    /// <summary>Σ_k mean((1 − D_k(real))²) + mean(D_k(fake)²): what the discriminators minimise.</summary>
    public static Tensor Discriminator(IReadOnlyList<DiscriminatorOutput> real, IReadOnlyList<DiscriminatorOutput> fake)
    {
        CheckPaired(real, fake);
        Tensor? total = null;
        for (int k = 0; k < real.Count; k++)
        {
            var term = real[k].Scores.neg().add(HeldScalars.Of(1)).square().mean() + fake[k].Scores.square().mean();
            total = total is null ? term : total + term;
        }
        return total!;
    }

    /// <summary>Σ_k mean((1 − D_k(fake))²): what the generator minimises to be taken for real.</summary>
    public static Tensor Generator(IReadOnlyList<DiscriminatorOutput> fake)
    {
        Tensor? total = null;
        foreach (var output in fake)
        {
            var term = output.Scores.neg().add(HeldScalars.Of(1)).square().mean();
            total = total is null ? term : total + term;
        }
        return total!;
    }

    /// <summary>Σ_k Σ_layers mean|F_real − F_fake|: the generator matches the discriminators' activations on real audio.</summary>
    public static Tensor FeatureMatching(IReadOnlyList<DiscriminatorOutput> real, IReadOnlyList<DiscriminatorOutput> fake)
    {
        CheckPaired(real, fake);
        Tensor? total = null;
        for (int k = 0; k < real.Count; k++)
            for (int l = 0; l < real[k].Features.Count; l++)
            {
                var term = (real[k].Features[l] - fake[k].Features[l]).abs().mean();
                total = total is null ? term : total + term;
            }
        return total!;
    }

    private static void CheckPaired(IReadOnlyList<DiscriminatorOutput> real, IReadOnlyList<DiscriminatorOutput> fake)
    {
        if (real.Count == 0 || real.Count != fake.Count)
            throw new ArgumentException($"real and generated audio need the same, non-zero number of discriminator outputs (found {real.Count} and {fake.Count}).");
    }
}
