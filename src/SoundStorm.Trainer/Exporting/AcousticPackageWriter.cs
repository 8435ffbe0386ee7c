using SoundStorm.Export.Onnx;
using SoundStorm.Export.Packaging;

namespace SoundStorm.Trainer.Exporting;

/// <summary>
/// Writes an acoustic model's two graphs (and the transformer's fused alternative, where given) and its manifest as a
/// package folder (via a staging folder that is always removed).
/// </summary>
internal static class AcousticPackageWriter
{
    public static ModelManifest Write(OnnxModel combiner, OnnxModel transformer, ModelManifest manifest, string outputFolder,
        OnnxModel? fusedTransformer = null, OnnxModel? condition = null)
    {
        string staging = Path.Combine(Path.GetTempPath(), "soundstorm-export-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        try
        {
            string combinerPath = Path.Combine(staging, "combiner.onnx"), transformerPath = Path.Combine(staging, "transformer.onnx");
            combiner.Save(combinerPath);
            transformer.Save(transformerPath);
            var builder = new ModelPackageBuilder(manifest)
                .AddGraph(GraphNames.Combiner, combinerPath)
                .AddGraph(GraphNames.Transformer, transformerPath);
            if (condition is not null)
            {
                string conditionPath = Path.Combine(staging, "condition.onnx");
                condition.Save(conditionPath);
                builder.AddGraph(GraphNames.Condition, conditionPath);
            }
            if (fusedTransformer is not null)
            {
                string fusedPath = Path.Combine(staging, GraphNames.Transformer + ".fused.onnx");
                fusedTransformer.Save(fusedPath);
                builder.AddFusedVariant(GraphNames.Transformer, fusedPath);
            }
            return builder.WriteFolder(outputFolder);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }
}
