using Microsoft.ML.OnnxRuntime;
using SoundStorm.Export.Onnx.Proto;

namespace SoundStorm.Export.Tests.Onnx;

/// <summary>
/// The ONNX project's own node tests (Debian <c>libonnx-testdata</c>): each model is read with OUR reader, written
/// back with OUR writer, run in ONNX Runtime on the case's input_*.pb (parsed by our TensorProto reader) and compared
/// with its output_*.pb — a check against material we did not write.
/// </summary>
public class OnnxNodeTestDataTests
{
    private const string Root = "/usr/share/libonnx-testdata/data/node";

    public static TheoryData<string> Cases => new()
    {
        "test_add_bcast", "test_sub", "test_mul", "test_div", "test_pow", "test_sqrt", "test_exp", "test_neg", "test_erf",
        "test_sigmoid", "test_tanh", "test_relu", "test_leakyrelu", "test_softmax_axis_1", "test_logsoftmax_axis_1",
        "test_matmul_3d", "test_gather_0", "test_where_example", "test_transpose_default", "test_reshape_reordered_all_dims",
        "test_concat_3d_axis_1", "test_slice", "test_unsqueeze_axis_0", "test_squeeze", "test_expand_dim_changed", "test_tile",
        "test_conv_with_strides_padding", "test_convtranspose_1d", "test_instancenorm_example", "test_batchnorm_example",
        "test_layer_normalization_4d_axis1", "test_layer_normalization_3d_axis_negative_1_epsilon",
        "test_reduce_mean_keepdims_example", "test_reduce_max_keepdims_example", "test_argmin_default_axis_example",
        "test_equal", "test_not_2d", "test_cast_FLOAT_to_FLOAT16",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Node_test_reproduces_expected_outputs(string name)
    {
        string dir = Path.Combine(Root, name);
        if (!Directory.Exists(dir))
        {
            Assert.False(TestTools.Required, $"{dir} missing: apt-get install libonnx-testdata");
            return;
        }
        var model = OnnxModel.Load(Path.Combine(dir, "model.onnx"));
        byte[] rewritten = Google.Protobuf.MessageExtensions.ToByteArray(model.Proto);
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "model.onnx")), rewritten); // our schema loses nothing

        string data = Path.Combine(dir, "test_data_set_0");
        var graph = model.Proto.Graph;
        var initializerNames = graph.Initializer.Select(t => t.Name).ToHashSet();
        var inputNames = graph.Input.Select(i => i.Name).Where(n => !initializerNames.Contains(n)).ToArray();
        var feeds = inputNames.Select((n, i) => ToFeed(n, ReadTensor(Path.Combine(data, $"input_{i}.pb")))).ToArray();

        using var session = new InferenceSession(rewritten);
        var values = feeds.Select(OrtRunner.Create).ToList();
        try
        {
            var outputNames = graph.Output.Select(o => o.Name).ToArray();
            using var outputs = session.Run(new RunOptions(), inputNames, values, outputNames);
            for (int i = 0; i < outputNames.Length; i++)
            {
                var expected = ToDouble(ReadTensor(Path.Combine(data, $"output_{i}.pb")));
                var actual = OrtRunner.ToDouble(outputs[i]);
                Assert.Equal(expected.Shape, actual.Shape);
                Compare.Close(actual, expected, 1e-5);
            }
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    private static TensorData ReadTensor(string path) => TensorProtos.ToTensorData(TensorProto.Parser.ParseFrom(File.ReadAllBytes(path)));

    private static Feed ToFeed(string name, TensorData t)
    {
        var bytes = t.GetBytes().Span;
        var shape = t.Shape.ToArray();
        return t.ElementType switch
        {
            ElementType.Float => new Feed(name, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray(), shape),
            ElementType.Int64 => new Feed(name, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(bytes).ToArray(), shape),
            ElementType.Int32 => new Feed(name, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(bytes).ToArray(), shape),
            ElementType.Bool => new Feed(name, bytes.ToArray().Select(b => b != 0).ToArray(), shape),
            _ => throw new NotSupportedException($"{name}: {t.ElementType}"),
        };
    }

    private static DTensor ToDouble(TensorData t)
    {
        var bytes = t.GetBytes().Span;
        int[] shape = t.Shape.Select(d => (int)d).ToArray();
        double[] values = t.ElementType switch
        {
            ElementType.Float => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray().Select(v => (double)v).ToArray(),
            ElementType.Float16 => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(bytes).ToArray().Select(v => (double)v).ToArray(),
            ElementType.Int64 => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(bytes).ToArray().Select(v => (double)v).ToArray(),
            ElementType.Int32 => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(bytes).ToArray().Select(v => (double)v).ToArray(),
            ElementType.Bool => bytes.ToArray().Select(b => b != 0 ? 1.0 : 0.0).ToArray(),
            _ => throw new NotSupportedException(t.ElementType.ToString()),
        };
        return new DTensor(values, shape);
    }
}
