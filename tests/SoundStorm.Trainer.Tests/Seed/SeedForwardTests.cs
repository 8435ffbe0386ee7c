using SoundStorm.Export.Import;
using SoundStorm.Trainer.Seed;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.Seed;

/// <summary>The seed network reproduces the upstream forward pass recorded in shared/reference/soundstorm-s2.</summary>
public sealed class SeedForwardTests(ITestOutputHelper output)
{
    private static Tensor Input(string name) => Npy.Read(TestPaths.SeedFile(name)).ToTensor();

    [ReferenceFact]
    public void LogX0_of_reference_logits_matches_predict_start()
    {
        using var scope = NewDisposeScope();
        Tensor logX0 = SeedDiffusionTransformer.LogX0(Input("logits.npy"));
        Compare.Close(Input("log_x0_recon.npy"), logX0, 2e-5, 1e-5, "log_x0_recon");
    }

    [ReferenceFact]
    public void Every_parameter_except_the_unused_target_acoustic_table_receives_gradient()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var model = new SeedDiffusionTransformer(SeedModelConfig.ReferenceTiny);
        model.train();
        Tensor logits = model.forward(ReferenceInputs());
        SeedDiffusionTransformer.LogX0(logits)[.., ..1026].logsumexp(1).sum().neg().backward();
        foreach (var (name, p) in model.named_parameters())
        {
            bool unused = name.StartsWith("target_acoustic_pos_emb", StringComparison.Ordinal);
            double norm = p.grad is null ? 0 : p.grad.abs().sum().item<float>();
            Assert.True(unused ? norm == 0 : norm > 0, $"{name}: gradient magnitude {norm}");
        }
    }

    private static SeedInputs ReferenceInputs() => new(
        Input("x_t.npy"), Input("prompt_semantics.npy"), Input("target_semantics.npy"),
        Input("prompt_acoustics.npy"), Input("x_mask.npy"), Input("t.npy"));

    [ReferenceFact]
    public void Reference_checkpoint_reproduces_activations_and_logits()
    {
        using var scope = NewDisposeScope();
        using var model = new SeedDiffusionTransformer(SeedModelConfig.ReferenceTiny);
        // The checkpoint's model tensors, named without "transformer.transformer." (as the module's state dict).
        var weights = SeedCheckpointImporter.ReadWeights(TestPaths.SeedFile("last.pth"));
        using (no_grad())
            foreach (var (name, target) in model.state_dict())
            {
                var source = weights.Peek(name);
                Assert.Equal(target.shape, source.Shape);
                target.copy_(tensor(source.Data, source.Shape).to_type(target.dtype));
            }
        model.eval();

        var seen = new Dictionary<string, Tensor>();
        model.Trace = (name, t) => seen[name] = t.detach().clone();
        Tensor logits;
        using (no_grad()) logits = model.forward(ReferenceInputs());

        foreach (string name in new[] { "content_emb", "inc", "down1", "block0_in_x", "cond_emb", "block0_out", "block1_out", "up1" })
            output.WriteLine($"{name}: max|diff| {Compare.Close(Input($"act_{name}.npy"), seen[name], 1e-4, 1e-4, name):E2}");
        output.WriteLine($"logits: max|diff| {Compare.Close(Input("logits.npy"), logits, 1e-4, 1e-5, "logits"):E2}");
        double logX0 = Compare.Close(Input("log_x0_recon.npy"), SeedDiffusionTransformer.LogX0(logits), 1e-4, 1e-5, "log_x0_recon");
        output.WriteLine($"log_x0_recon: max|diff| {logX0:E2}");
    }
}
