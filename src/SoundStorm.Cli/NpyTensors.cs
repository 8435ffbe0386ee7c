using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SoundStorm.Export.NumPy;

namespace SoundStorm.Cli;

/// <summary>Conversions between <c>.npy</c> arrays and ONNX Runtime tensors for <c>run-graph</c>.</summary>
internal static class NpyTensors
{
    /// <summary>
    /// An OrtValue of the element type the graph expects. Integer arrays widen or narrow to the graph's integer
    /// type (token files are often int16/int32); floats and integers never convert into each other.
    /// </summary>
    public static OrtValue ToOrtValue(string name, NpyArray array, TensorElementType expected)
    {
        long[] shape = array.Shape.Select(d => (long)d).ToArray();
        bool isFloat = array.Data is float[] or double[] or Half[];
        return expected switch
        {
            TensorElementType.Float when isFloat => OrtValue.CreateTensorValueFromMemory(array.ToFloat32(), shape),
            TensorElementType.Double when isFloat => OrtValue.CreateTensorValueFromMemory(array.ToFloat32().Select(v => (double)v).ToArray(), shape),
            TensorElementType.Int64 when !isFloat && array.Data is not bool[] => OrtValue.CreateTensorValueFromMemory(array.ToInt64(), shape),
            TensorElementType.Int32 when !isFloat && array.Data is not bool[] => OrtValue.CreateTensorValueFromMemory(Narrow(name, array.ToInt64()), shape),
            TensorElementType.Bool when array.Data is bool[] b => OrtValue.CreateTensorValueFromMemory(b, shape),
            _ => throw new ArgumentException($"Input '{name}': the graph expects {expected}, the .npy file holds {array.ElementType}."),
        };
    }

    /// <summary>Copies an output tensor into an <see cref="NpyArray"/>.</summary>
    public static NpyArray ToNpy(OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        int[] shape = info.Shape.Select(d => checked((int)d)).ToArray();
        Array data = info.ElementDataType switch
        {
            TensorElementType.Float => value.GetTensorDataAsSpan<float>().ToArray(),
            TensorElementType.Double => value.GetTensorDataAsSpan<double>().ToArray(),
            TensorElementType.Int64 => value.GetTensorDataAsSpan<long>().ToArray(),
            TensorElementType.Int32 => value.GetTensorDataAsSpan<int>().ToArray(),
            TensorElementType.Bool => value.GetTensorDataAsSpan<bool>().ToArray(),
            TensorElementType.UInt8 => value.GetTensorDataAsSpan<byte>().ToArray(),
            TensorElementType.Int8 => value.GetTensorDataAsSpan<sbyte>().ToArray(),
            _ => throw new NotSupportedException($"Outputs of type {info.ElementDataType} cannot be written as .npy."),
        };
        return new NpyArray(data, shape);
    }

    private static int[] Narrow(string name, long[] values)
    {
        var result = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
            result[i] = values[i] is >= int.MinValue and <= int.MaxValue ? (int)values[i]
                : throw new ArgumentException($"Input '{name}': value {values[i]} at index {i} does not fit int32.");
        return result;
    }
}
