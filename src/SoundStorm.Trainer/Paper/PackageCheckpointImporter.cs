using SoundStorm.Export.Acoustic;
using SoundStorm.Export.Checkpoints;
using SoundStorm.Export.Onnx;
using SoundStorm.Export.Packaging;
using SoundStorm.Trainer.Training;
using SoundStorm.Onnx;

namespace SoundStorm.Trainer.Paper;

/// <summary>
/// Turns a paper-family model package back into a training checkpoint (model weights only, step 0), so a package
/// whose checkpoint is not at hand — the shipped default model — can be trained further with <c>train --start-from</c>
/// or moved to new units with <c>remap-units</c>. Weights stored as float16 come back as float32 of the same values.
/// </summary>
internal static class PackageCheckpointImporter
{
    /// <summary>Reads the package at <paramref name="packagePath"/> and writes <paramref name="outputPath"/> (a new file).</summary>
    /// <exception cref="ModelPackageException">The package is missing or inconsistent.</exception>
    /// <exception cref="OnnxFormatException">Its graphs are not paper-family graphs of this project, or lack a tensor.</exception>
    public static PaperModelConfig Import(string packagePath, string outputPath)
    {
        if (File.Exists(outputPath) || Directory.Exists(outputPath))
            throw new ArgumentException($"{outputPath}: already exists; give a new file for the checkpoint.");
        using var package = ModelPackage.Load(packagePath, verifyGraphs: false);
        if (package.ModelFamily != ModelFamilies.MaskGit)
            throw new ArgumentException($"{packagePath}: a '{package.ModelFamily}' package; only paper-family ('{ModelFamilies.MaskGit}') packages import into a 'train' checkpoint.");
        var (config, weights) = PaperGraphWeights.Read(
            OnnxModel.Load(package.GetGraphPath(GraphNames.Combiner)), OnnxModel.Load(package.GetGraphPath(GraphNames.Transformer)), packagePath);

        var tensors = new Dictionary<string, CheckpointTensor>(StringComparer.Ordinal);
        foreach (var (name, _) in PaperStateDict.Shapes(config))
        {
            var tensor = weights.Peek(name);
            string key = TrainingCheckpoint.ModelPrefix + name;
            tensors[key] = CheckpointTensor.FromFloat32(key, tensor.Shape, tensor.Data);
        }
        var checkpoint = new TrainingCheckpoint(Path.GetFullPath(outputPath), config, new TrainOptions(), Step: 0, AdamSteps: 0, tensors, [], []);
        checkpoint.WriteTo(outputPath);
        return config;
    }
}
