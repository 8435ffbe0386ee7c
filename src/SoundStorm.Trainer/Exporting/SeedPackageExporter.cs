using SoundStorm.Export.Acoustic;
using SoundStorm.Export.Packaging;
using SoundStorm.Trainer.Checkpoints;
using SoundStorm.Trainer.Seed;

namespace SoundStorm.Trainer.Exporting;

/// <summary>
/// Seed-family checkpoint → model package: the network's state dict becomes a <c>WeightSet</c> with the seed graph
/// names, <see cref="SeedGraphs"/> writes the combiner, condition and transformer, and the manifest declares the
/// <see cref="ModelFamilies.SeedDiffusion"/> family (mask id V + 2) so the generator runs the diffusion sampler.
/// </summary>
internal static class SeedPackageExporter
{
    /// <summary>Writes the package; returns its manifest.</summary>
    public static ModelManifest Export(string checkpointPath, string outputFolder, int sampleRate = 16000, string? name = null)
    {
        var checkpoint = SeedCheckpoint.Load(checkpointPath);
        using var model = new SeedDiffusionTransformer(checkpoint.Config);
        StateDicts.Load(model, checkpoint.ModelTensors, checkpointPath);
        var weights = StateDicts.ToWeightSet(model, checkpointPath);
        var config = checkpoint.Config;
        var graphs = SeedGraphs.Build(config, weights);
        weights.EnsureAllUsed();

        var manifest = new ModelManifest
        {
            Name = name ?? Path.GetFileNameWithoutExtension(checkpointPath),
            ModelFamily = ModelFamilies.SeedDiffusion,
            SampleRate = sampleRate,
            FrameRate = checkpoint.Options.FrameRate > 0 ? checkpoint.Options.FrameRate : 50,
            Codebooks = config.Codebooks,
            CodebookSize = config.CodebookSize,
            SemanticVocabulary = config.SemanticVocab,
            MaskTokenId = config.MaskId,
            MaxGeneratedFrames = config.MaxGeneratedFrames,
            MaxPromptFrames = config.MaxPromptFrames,
        };
        return AcousticPackageWriter.Write(graphs.Combiner, graphs.Transformer, manifest, outputFolder, graphs.FusedTransformer, graphs.Condition);
    }
}
