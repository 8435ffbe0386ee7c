using SoundStorm.Trainer.Checkpoints;
using SoundStorm.Trainer.Seed;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.Parity;

/// <summary>
/// Random seed-family weights: the TorchSharp network and the graphs <see cref="SeedGraphs"/> writes from its state
/// dict give the same logits for a padded batch of two lengths with different diffusion steps.
/// </summary>
public sealed class SeedParityTests(ITestOutputHelper output)
{
    [Fact]
    public void Onnx_graphs_match_the_TorchSharp_seed_network_with_padding_and_steps()
    {
        var config = new SeedModelConfig
        {
            Dim = 32, Layers = 2, Heads = 2, SemanticVocab = 10, Codebooks = 3, CodebookSize = 16, TimestepRows = 100, MaxFrames = 40,
            PromptSemanticPositions = 20, TargetSemanticPositions = 30, PromptAcousticPositions = 20, TargetAcousticPositions = 20,
        };
        manual_seed(3);
        using var model = new SeedDiffusionTransformer(config);
        RandomWeights.Perturb(model, 4);
        model.eval();

        const int batch = 2, frames = 10, promptFrames = 6;
        int q = config.Codebooks;
        int[] lengths = { 10, 6 };
        var random = new Random(7);
        var tokens = new long[batch * frames * q];        // graph layout [B, T, Q]
        var codebookMajor = new long[batch * q * frames]; // module layout [B, Q·T]
        var padding = new bool[batch * frames];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < frames; t++)
            {
                padding[b * frames + t] = t >= lengths[b];
                for (int l = 0; l < q; l++)
                {
                    long id = t >= lengths[b] ? config.TargetAcousticPad : random.Next(config.ContentRows);
                    tokens[(b * frames + t) * q + l] = id;
                    codebookMajor[(b * q + l) * frames + t] = id;
                }
            }
        long[] promptSemantic = Enumerable.Range(0, batch * promptFrames).Select(_ => (long)random.Next(config.SemanticVocab)).ToArray();
        long[] targetSemantic = Enumerable.Range(0, batch * frames).Select(_ => (long)random.Next(config.SemanticVocab)).ToArray();
        long[] promptAcoustic = Enumerable.Range(0, batch * q * promptFrames).Select(_ => (long)random.Next(config.CodebookSize)).ToArray();
        long[] steps = { 17, 88 };

        float[] expected;
        using (NewDisposeScope())
        using (no_grad())
        {
            Tensor logits = model.forward(new SeedInputs(
                tensor(codebookMajor, batch, q * frames), tensor(promptSemantic, batch, promptFrames),
                tensor(targetSemantic, batch, frames), tensor(promptAcoustic, batch, q, promptFrames),
                tensor(padding, batch, frames), tensor(steps)));
            // [B, C, Q·T] → [B, T, Q, C] as the graph writes it.
            expected = logits.view(batch, config.OutputClasses, q, frames).permute(0, 3, 2, 1).contiguous().data<float>().ToArray();
        }

        var weights = StateDicts.ToWeightSet(model);
        var graphs = SeedGraphs.Build(config, weights);
        weights.EnsureAllUsed();

        var combined = OrtRun.Run(graphs.Combiner, new OrtFeed("tokens", tokens, new long[] { batch, frames, q }));
        var level0 = new long[batch * promptFrames];
        for (int b = 0; b < batch; b++) Array.Copy(promptAcoustic, b * q * promptFrames, level0, b * promptFrames, promptFrames);
        var cross = OrtRun.Run(graphs.Condition!,
            new OrtFeed("prompt_semantic", promptSemantic, new long[] { batch, promptFrames }),
            new OrtFeed("target_semantic", targetSemantic, new long[] { batch, frames }),
            new OrtFeed("prompt_acoustic", level0, new long[] { batch, promptFrames }));
        var actual = OrtRun.Run(graphs.Transformer,
            new OrtFeed("embeddings", combined["embeddings"].Data, combined["embeddings"].Shape),
            new OrtFeed("skip", combined["skip"].Data, combined["skip"].Shape),
            new OrtFeed("cross_keys", cross["cross_keys"].Data, cross["cross_keys"].Shape),
            new OrtFeed("cross_values", cross["cross_values"].Data, cross["cross_values"].Shape),
            new OrtFeed("padding_mask", padding, new long[] { batch, frames }),
            new OrtFeed("step", steps, new long[] { batch }))["logits"];

        Assert.Equal(new long[] { batch, frames, q, config.OutputClasses }, actual.Shape);
        double error = RelativeError.Of(expected, actual.Data);
        output.WriteLine($"seed logits: relative error {error:E2}");
        Assert.True(error <= 1e-4, $"relative error {error:E3}");
    }
}
