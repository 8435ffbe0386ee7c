using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SoundStorm.Export.Semantic;
using SoundStorm.Export.Weights;
using SoundStorm.Trainer.Semantic;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.Semantic;

/// <summary>
/// The TorchSharp HuBERT and the exported <c>semantic</c> graph agree on random weights (relative error
/// max|diff| / max|ref| ≤ 1e-4) for both architecture families; the module trains (gradients reach every parameter).
/// </summary>
public sealed class HubertParityTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static HubertConfig Small(bool large) => new()
    {
        ConvLayers = [new(16, 10, 5), new(16, 3, 2), new(24, 2, 2)],
        ExtractorMode = large ? HubertExtractorMode.LayerNorm : HubertExtractorMode.GroupNorm,
        ConvBias = large,
        EmbedDim = 32,
        PosConvKernel = large ? 15 : 16,
        PosConvGroups = 4,
        Layers = 3,
        Heads = 4,
        FeedForwardDim = 64,
        LayerNormFirst = large,
    };

    /// <summary>Makes the constant-at-init tensors (norm affines, weight_g) random so ignoring them cannot pass.</summary>
    private static void Perturb(HubertModel model)
    {
        using var _ = no_grad();
        foreach (var (name, p) in model.named_parameters())
        {
            if (name.EndsWith("norm.weight", StringComparison.Ordinal)) p.add_(randn_like(p) * 0.1);
            else if (name.EndsWith("norm.bias", StringComparison.Ordinal)) p.add_(randn_like(p) * 0.05);
            else if (name.EndsWith("weight_g", StringComparison.Ordinal)) p.mul_(rand_like(p) + 0.5);
        }
    }

    private static WeightSet ToWeights(HubertModel model)
    {
        var raw = new WeightSet("torchsharp");
        foreach (var (name, t) in model.state_dict())
            raw.Add(name, t.detach().contiguous().data<float>().ToArray(), t.shape);
        return HubertStateDict.Normalize(raw, HubertNaming.Torchaudio);
    }

    private static Dictionary<string, float[]> RunOnnx(Export.Onnx.OnnxModel graph, float[] wave, long[] shape)
    {
        string path = Path.Combine(Path.GetTempPath(), $"semantic-{Guid.NewGuid():N}.onnx");
        try
        {
            graph.Save(path);
            using var session = new InferenceSession(path, new SessionOptions { IntraOpNumThreads = 1 });
            using var input = OrtValue.CreateTensorValueFromMemory(wave, shape);
            using var outputs = session.Run(new RunOptions(), ["waveform"], [input], session.OutputNames);
            var result = new Dictionary<string, float[]>();
            for (int i = 0; i < session.OutputNames.Count; i++)
            {
                var value = outputs[i];
                result[session.OutputNames[i]] = value.GetTensorTypeAndShape().ElementDataType == TensorElementType.Int64
                    ? value.GetTensorDataAsSpan<long>().ToArray().Select(v => (float)v).ToArray()
                    : value.GetTensorDataAsSpan<float>().ToArray();
            }
            return result;
        }
        finally { File.Delete(path); }
    }

    private static double RelativeError(float[] actual, float[] expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double diff = 0, scale = 1e-30;
        for (int i = 0; i < expected.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs(actual[i] - (double)expected[i]));
            scale = Math.Max(scale, Math.Abs((double)expected[i]));
        }
        return diff / scale;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Onnx_graph_matches_the_torchsharp_module(bool large)
    {
        manual_seed(large ? 11 : 7);
        var config = Small(large);
        using var model = new HubertModel(config);
        Perturb(model);
        model.eval();
        const long batch = 2, samples = 1234; // 1234 → 246 → 122 → 61 frames
        using var wave = randn(batch, samples) * 0.3;
        float[] waveData = wave.data<float>().ToArray();

        for (int layer = 0; layer <= config.Layers; layer++)
        {
            using var _ = no_grad();
            using var expected = model.forward(wave, layer);
            Assert.Equal(new[] { batch, config.Frames(samples), config.EmbedDim }, expected.shape);
            float[] e = expected.data<float>().ToArray();
            var weights = ToWeights(model);
            var outputs = RunOnnx(SemanticGraph.Build(config, weights, layer, null), waveData, [batch, samples]);
            weights.EnsureAllUsed();
            float[] a = outputs["features"];
            double error = RelativeError(a, e);
            output.WriteLine($"{(large ? "layer_norm/pre-LN" : "group_norm/post-LN")} layer {layer}: relative error {error:E3}");
            Assert.True(error <= 1e-4, $"layer {layer}: relative error {error:E3}");
        }
    }

    [Fact]
    public void Tokens_equal_torch_cdist_argmin()
    {
        manual_seed(3);
        var config = Small(false);
        using var model = new HubertModel(config);
        Perturb(model);
        model.eval();
        using var wave = randn(1, 3000) * 0.3;
        using var _ = no_grad();
        using var features = model.forward(wave, 2); // (1, T, D)
        // Centres near a few real frames, so every frame has a clear nearest centre.
        using var centres = features[0].index_select(0, tensor(new long[] { 0, 20, 40, 60, 80, 100, 120, 140 })) + randn(8, config.EmbedDim) * 0.01;
        long[] expected = cdist(features[0], centres).argmin(1).data<long>().ToArray();
        var kmeans = new KMeansCentroids(centres.contiguous().data<float>().ToArray(), 8, config.EmbedDim);
        var outputs = RunOnnx(SemanticGraph.Build(config, ToWeights(model), 2, kmeans), wave.data<float>().ToArray(), [1, 3000]);
        Assert.Equal(expected, outputs["tokens"].Select(v => (long)v).ToArray());
        Assert.False(outputs.ContainsKey("features"));
    }

    [Fact]
    public void Gradients_reach_every_parameter()
    {
        manual_seed(5);
        using var model = new HubertModel(Small(true), dropout: 0.1);
        model.train();
        using var wave = randn(2, 800);
        using var loss = model.Encode(wave).pow(2).mean();
        loss.backward();
        foreach (var (name, p) in model.named_parameters())
        {
            Assert.NotNull(p.grad);
            Assert.True(p.grad!.abs().sum().item<float>() > 0, $"no gradient reaches {name}");
        }
    }

    [Fact]
    public void State_dict_names_are_torchaudios()
    {
        using var model = new HubertModel(Small(false));
        var names = model.state_dict().Keys.ToHashSet();
        foreach (var (name, shape) in HubertConfigInference.ExpectedTensors(Small(false)))
        {
            if (name.EndsWith("pos_conv_embed.conv.weight", StringComparison.Ordinal)) continue; // stored as weight_g / weight_v
            Assert.Contains(name, names);
            Assert.Equal(shape, model.state_dict()[name].shape);
        }
        Assert.Equal(new long[] { 1, 1, 16 }, model.state_dict()["encoder.transformer.pos_conv_embed.conv.weight_g"].shape);
    }
}
