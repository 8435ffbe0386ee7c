using Microsoft.ML.OnnxRuntime;
using SoundStorm.Export.Onnx;

namespace SoundStorm.Trainer.Tests.Support;

/// <summary>An ONNX Runtime input: name, float/long/bool values and shape.</summary>
internal sealed record OrtFeed(string Name, Array Data, long[] Shape);

/// <summary>Runs an in-memory <see cref="OnnxModel"/> in ONNX Runtime (one thread) and returns the float outputs.</summary>
internal static class OrtRun
{
    public static Dictionary<string, (float[] Data, long[] Shape)> Run(OnnxModel model, params OrtFeed[] feeds)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model.ToBytes(), options);
        var values = feeds.Select(f => f.Data switch
        {
            float[] x => OrtValue.CreateTensorValueFromMemory(x, f.Shape),
            long[] x => OrtValue.CreateTensorValueFromMemory(x, f.Shape),
            bool[] x => OrtValue.CreateTensorValueFromMemory(x, f.Shape),
            _ => throw new ArgumentException($"feed {f.Name}: unsupported {f.Data.GetType()}"),
        }).ToList();
        try
        {
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, feeds.Select(f => f.Name).ToArray(), values, session.OutputNames);
            var result = new Dictionary<string, (float[], long[])>();
            for (int i = 0; i < outputs.Count; i++)
                result[session.OutputNames[i]] = (outputs[i].GetTensorDataAsSpan<float>().ToArray(), outputs[i].GetTensorTypeAndShape().Shape);
            return result;
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }
}
