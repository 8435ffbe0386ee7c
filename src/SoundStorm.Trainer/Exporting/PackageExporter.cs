using SoundStorm.Export.Acoustic;
using SoundStorm.Export.Packaging;
using SoundStorm.Trainer.Checkpoints;
using SoundStorm.Trainer.Paper;

namespace SoundStorm.Trainer.Exporting;

/// <summary>
/// Training checkpoint → model package folder: the model (or EMA) weights go through the paper-family ONNX writers
/// (every tensor must be used), and <see cref="ModelPackageBuilder"/> writes combiner.onnx, transformer.onnx, the
/// transformer's fused alternative (CPU and CUDA) and manifest.json with hashes and signatures.
/// </summary>
internal static class PackageExporter
{
    /// <summary>Writes the package; returns its manifest.</summary>
    public static ModelManifest Export(string checkpointPath, string outputFolder, bool useEma = false, int sampleRate = 16000, string? name = null)
    {
        var checkpoint = TrainingCheckpoint.Load(checkpointPath);
        if (useEma && !checkpoint.HasEma)
            throw new InvalidDataException($"{checkpointPath}: no EMA weights (train with --ema-decay to keep them).");
        using var model = new PaperAcousticModel(checkpoint.Config);
        StateDicts.Load(model, checkpoint.Under(useEma ? TrainingCheckpoint.EmaPrefix : TrainingCheckpoint.ModelPrefix), checkpointPath);
        var weights = StateDicts.ToWeightSet(model, checkpointPath);
        var (combiner, transformer) = PaperGraphs.Build(checkpoint.Config, weights);
        weights.EnsureAllUsed();
        var fused = PaperGraphs.BuildFusedTransformer(checkpoint.Config, weights);

        var c = checkpoint.Config;
        var manifest = new ModelManifest
        {
            Name = name ?? Path.GetFileNameWithoutExtension(checkpointPath),
            ModelFamily = ModelFamilies.MaskGit,
            SampleRate = sampleRate,
            FrameRate = checkpoint.Options.FrameRate > 0 ? checkpoint.Options.FrameRate : 50,
            Codebooks = c.Codebooks,
            CodebookSize = c.CodebookSize,
            SemanticVocabulary = c.SemanticVocab,
            MaskTokenId = c.MaskId,
        };
        return AcousticPackageWriter.Write(combiner, transformer, manifest, outputFolder, fused);
    }
}
