using Microsoft.ML.OnnxRuntime;
using SoundStorm.Onnx.Packages;

namespace SoundStorm.Onnx.Generation.Graphs;

/// <summary>Opens a package's combiner and transformer for a logits source; on any failure both sessions are released.</summary>
internal static class AcousticSessions
{
    public static T Open<T>(ModelPackage package, SessionSettings settings, Func<InferenceSession, InferenceSession, T> create)
    {
        InferenceSession? combiner = null, transformer = null;
        try
        {
            combiner = package.CreateSession(GraphNames.Combiner, settings);
            transformer = package.CreateSession(GraphNames.Transformer, settings);
            return create(combiner, transformer);
        }
        catch
        {
            transformer?.Dispose();
            combiner?.Dispose();
            throw;
        }
    }
}
