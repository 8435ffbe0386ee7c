using SoundStorm.Export.Codec;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.Codec;

/// <summary>The codec is trainable: straight-through VQ passes gradients to the encoder, the VQ loss follows its formula and moves the codebooks.</summary>
public sealed class HifiCodecTrainingTests
{
    [Fact]
    public void Reconstruction_loss_reaches_encoder_through_the_straight_through_quantizer()
    {
        using var scope = NewDisposeScope();
        using var codec = SmallCodec.Create(seed: 3);
        codec.train();
        var waveform = SmallCodec.Waveform(2, 160, seed: 4);
        var (reconstruction, _, _) = codec.forward(waveform);
        Assert.Equal(waveform.shape, reconstruction.shape);
        (reconstruction - waveform).abs().mean().backward();

        var grads = codec.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad);
        Assert.True(GradNorm(grads["encoder.conv_pre.weight_v"]) > 0, "no gradient reached the encoder");
        Assert.True(GradNorm(grads["generator.conv_post.weight_g"]) > 0, "no gradient reached the generator");
        // Codebooks learn from the VQ loss only (the straight-through value carries no gradient to them).
        Assert.Equal(0, GradNorm(grads["quantizer.quantizer_modules.0.embedding.weight"]));
    }

    [Fact]
    public void Vq_loss_is_codebook_plus_quarter_commitment_averaged_over_levels_and_trains_the_codebooks()
    {
        using var scope = NewDisposeScope();
        using var codec = SmallCodec.Create(seed: 3);
        var waveform = SmallCodec.Waveform(2, 160, seed: 4);
        var (_, loss, codes) = codec.forward(waveform);

        // Recompute from the codebooks: level l error e_l = q_l − r_l with r_0 = z, r_{l+1} = r_l − q_l;
        // loss = mean over levels of (1 + 0.25)·mean(e_l²) (both terms have the same value, only their gradients differ).
        Tensor expected;
        using (no_grad())
        {
            var c = SmallCodec.Config;
            var tables = codec.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
            var residual = codec.EncodeLatent(waveform);
            long batch = codes.shape[0], frames = codes.shape[1];
            expected = zeros(1);
            for (int level = 0; level < c.ResidualLevels; level++)
            {
                var words = Enumerable.Range(0, c.CodeGroups).Select(g => tables[HifiCodecStateDict.Codebook(level, g)]
                    .index_select(0, codes.select(2, level * c.CodeGroups + g).flatten()).reshape(batch, frames, c.GroupDim)).ToArray();
                var q = cat(words, 2).transpose(1, 2);
                expected += (c.CodebookLossLambda + c.CommitmentLossLambda) * (q - residual).pow(2).mean();
                residual = residual - q;
            }
            expected /= c.ResidualLevels;
        }
        Assert.Equal(expected.item<float>(), loss.item<float>(), 5);

        loss.backward();
        var grads = codec.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad);
        Assert.True(GradNorm(grads["quantizer.quantizer_modules.1.embedding.weight"]) > 0);
        Assert.True(GradNorm(grads["quantizer.quantizer_modules2.0.embedding.weight"]) > 0);
        Assert.True(GradNorm(grads["encoder.conv_post.weight"]) > 0, "the commitment term trains the encoder");
    }

    private static double GradNorm(Tensor? grad) => grad is null ? 0 : grad.norm().item<float>();
}
