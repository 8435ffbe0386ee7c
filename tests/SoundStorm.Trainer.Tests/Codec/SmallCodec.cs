using Microsoft.ML.OnnxRuntime;
using TensorElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;
using SoundStorm.Export.Codec;
using SoundStorm.Export.Onnx;
using SoundStorm.Trainer.Codec;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.Codec;

/// <summary>
/// A narrow codec (hop 8, latent 32, 2 groups × 2 levels of 64 codewords, resblocks with 3 and 2 dilations) with
/// random weights made into a fair test: weight-norm gains away from ‖v‖, GroupNorm affines away from identity, and
/// codebooks drawn from real latents so that codes spread over many codewords.
/// </summary>
internal static class SmallCodec
{
    public static readonly HifiCodecConfig Config = HifiCodecConfig.Parse("""
        {"resblock": "1", "upsample_rates": [4, 2], "upsample_kernel_sizes": [8, 4], "upsample_initial_channel": 16,
         "resblock_kernel_sizes": [3, 5], "resblock_dilation_sizes": [[1, 3, 5], [1, 2]], "sampling_rate": 16000,
         "n_code_groups": 2, "n_codes": 64, "encoder_initial_channel": 8}
        """, "small codec");

    /// <summary>
    /// A codec whose every weight is drawn from a private generator seeded <paramref name="seed"/> (tests run in
    /// parallel, so the global torch seed is neither used nor disturbed).
    /// </summary>
    public static HifiCodec Create(int seed)
    {
        var codec = new HifiCodec(Config);
        codec.eval();
        using var generator = new Generator((ulong)seed);
        Tensor Uniform(Tensor like, double low, double high) => rand(like.shape, generator: generator) * (high - low) + low;
        Tensor Normal(Tensor like) => randn(like.shape, generator: generator);
        using var _ = no_grad();
        var parameters = codec.named_parameters().ToDictionary(kv => kv.name, kv => kv.parameter);
        foreach (var (name, p) in parameters)
        {
            if (name.EndsWith(".weight_g", StringComparison.Ordinal)) p.copy_(Uniform(p, 0.9, 1.8)); // away from ‖v‖
            else if (name.StartsWith("encoder.normalize.", StringComparison.Ordinal))
                p.copy_(name.EndsWith(".weight", StringComparison.Ordinal) ? 1 + 0.1 * Normal(p) : 0.05 * Normal(p));
            else if (name.EndsWith(".bias", StringComparison.Ordinal))
                p.copy_(Uniform(p, -0.05, 0.05));
            else if (!name.StartsWith("quantizer.", StringComparison.Ordinal))
            {
                double bound = 1.0 / Math.Sqrt(p.shape[1] * p.shape[2]); // PyTorch's default conv init
                p.copy_(Uniform(p, -bound, bound));
            }
        }
        // Codebooks from latents of another signal: level 0 = latent slices, level 1 = differences of slices (residual scale).
        var latent = codec.EncodeLatent(Waveform(1, 64 * Config.Hop, seed + 1)).squeeze(0).t(); // [64, D]
        for (int g = 0; g < Config.CodeGroups; g++)
        {
            var rows = latent.narrow(1, g * Config.GroupDim, Config.GroupDim);
            var level0 = rows + 0.01 * rows.std() * Normal(rows);
            var level1 = 0.3 * (rows - rows.roll(7, 0)) + 0.01 * rows.std() * Normal(rows);
            parameters[$"quantizer.quantizer_modules.{g}.embedding.weight"].copy_(level0);
            parameters[$"quantizer.quantizer_modules2.{g}.embedding.weight"].copy_(level1);
        }
        return codec;
    }

    /// <summary>Speech-like test signal [batch, 1, samples]: a few sines with random frequencies plus noise, peak about 0.5.</summary>
    public static Tensor Waveform(int batch, int samples, int seed)
    {
        var rng = new Random(seed);
        var data = new float[batch * samples];
        for (int b = 0; b < batch; b++)
        {
            var freqs = Enumerable.Range(0, 3).Select(_ => 100 + rng.NextDouble() * 2000).ToArray();
            for (int i = 0; i < samples; i++)
                data[b * samples + i] = (float)(freqs.Sum(f => 0.15 * Math.Sin(2 * Math.PI * f * i / 16000)) + 0.05 * (rng.NextDouble() * 2 - 1));
        }
        return tensor(data, new long[] { batch, 1, samples });
    }

    /// <summary>Runs an ONNX model in ONNX Runtime; returns every output by name as float64 values and shape.</summary>
    public static Dictionary<string, (double[] Data, long[] Shape)> Run(OnnxModel model, string input, Array data, long[] shape)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model.ToBytes(), options);
        using var value = data switch
        {
            float[] f => OrtValue.CreateTensorValueFromMemory(f, shape),
            long[] l => OrtValue.CreateTensorValueFromMemory(l, shape),
            _ => throw new ArgumentException(data.GetType().Name),
        };
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, new[] { input }, new[] { value }, session.OutputNames);
        var result = new Dictionary<string, (double[], long[])>();
        for (int i = 0; i < outputs.Count; i++)
        {
            var info = outputs[i].GetTensorTypeAndShape();
            double[] values = info.ElementDataType == TensorElementType.Int64
                ? outputs[i].GetTensorDataAsSpan<long>().ToArray().Select(v => (double)v).ToArray()
                : outputs[i].GetTensorDataAsSpan<float>().ToArray().Select(v => (double)v).ToArray();
            result[session.OutputNames[i]] = (values, info.Shape);
        }
        return result;
    }

    /// <summary>max |a − b| / max |b|.</summary>
    public static double RelativeError(double[] actual, double[] expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double diff = 0, scale = 1e-30;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(double.IsFinite(actual[i]), $"non-finite value at {i}");
            diff = Math.Max(diff, Math.Abs(actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }
        return diff / scale;
    }

    public static double[] Doubles(Tensor t) => t.detach().to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
}
