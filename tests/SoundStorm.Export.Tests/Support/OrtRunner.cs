using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace SoundStorm.Export.Tests.Support;

/// <summary>An input for <see cref="OrtRunner"/>: a name, a float/long/bool array and its shape.</summary>
public sealed record Feed(string Name, Array Data, long[] Shape)
{
    public static Feed Of(string name, DTensor t) => new(name, t.ToFloat(), t.LongShape);
}

/// <summary>Saves a model, checks it with the ONNX checker, runs it in ONNX Runtime and returns every output as float64.</summary>
public static class OrtRunner
{
    public static Dictionary<string, DTensor> Run(OnnxModel model, params Feed[] feeds)
    {
        string dir = Path.Combine(Path.GetTempPath(), "soundstorm-export-tests", Guid.NewGuid().ToString("N"));
        string path = Path.Combine(dir, "model.onnx");
        try
        {
            model.Save(path);
            OnnxChecker.Check(path);
            return RunFile(path, feeds);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    public static Dictionary<string, DTensor> RunFile(string path, params Feed[] feeds)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(path, options);
        var values = new List<OrtValue>();
        try
        {
            foreach (var feed in feeds) values.Add(Create(feed));
            using var runOptions = new RunOptions();
            var outputNames = session.OutputNames;
            using var outputs = session.Run(runOptions, feeds.Select(f => f.Name).ToArray(), values, outputNames);
            var result = new Dictionary<string, DTensor>();
            for (int i = 0; i < outputNames.Count; i++) result[outputNames[i]] = ToDouble(outputs[i]);
            return result;
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    public static OrtValue Create(Feed feed) => feed.Data switch
    {
        float[] f => OrtValue.CreateTensorValueFromMemory(f, feed.Shape),
        long[] l => OrtValue.CreateTensorValueFromMemory(l, feed.Shape),
        bool[] b => OrtValue.CreateTensorValueFromMemory(b, feed.Shape),
        int[] n => OrtValue.CreateTensorValueFromMemory(n, feed.Shape),
        double[] d => OrtValue.CreateTensorValueFromMemory(d, feed.Shape),
        _ => throw new ArgumentException($"Unsupported feed type {feed.Data.GetType()}"),
    };

    public static DTensor ToDouble(OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        int[] shape = info.Shape.Select(d => (int)d).ToArray();
        double[] data = info.ElementDataType switch
        {
            TensorElementType.Float => value.GetTensorDataAsSpan<float>().ToArray().Select(v => (double)v).ToArray(),
            TensorElementType.Double => value.GetTensorDataAsSpan<double>().ToArray(),
            TensorElementType.Int64 => value.GetTensorDataAsSpan<long>().ToArray().Select(v => (double)v).ToArray(),
            TensorElementType.Int32 => value.GetTensorDataAsSpan<int>().ToArray().Select(v => (double)v).ToArray(),
            TensorElementType.Bool => value.GetTensorDataAsSpan<bool>().ToArray().Select(v => v ? 1.0 : 0.0).ToArray(),
            TensorElementType.Float16 => value.GetTensorDataAsSpan<Float16>().ToArray().Select(v => (double)(float)v).ToArray(),
            _ => throw new NotSupportedException($"Output type {info.ElementDataType}"),
        };
        return new DTensor(data, shape);
    }
}
