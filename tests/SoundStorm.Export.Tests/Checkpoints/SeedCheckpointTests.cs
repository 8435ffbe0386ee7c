namespace SoundStorm.Export.Tests.Checkpoints;

/// <summary>The real checkpoints written by the seed's own code (reference/soundstorm-s2, hubert, hificodec).</summary>
public sealed class SeedCheckpointTests
{
    private static readonly Dictionary<string, CheckpointDType> DTypes = new()
    {
        ["float32"] = CheckpointDType.F32, ["int64"] = CheckpointDType.I64,
    };

    [ReferenceFact]
    public void SoundStormSolverCheckpointHasTheListedModelAndEmaStateDicts()
    {
        string path = ReferencePaths.Get("soundstorm-s2", "last.pth");
        (string Name, long[] Shape, CheckpointDType DType)[] listed = ReadKeyList(ReferencePaths.Get("soundstorm-s2", "keys.txt"));

        OrderedDictionary<string, CheckpointTensor> model = TorchCheckpoint.LoadStateDict(path, "model");
        OrderedDictionary<string, CheckpointTensor> ema = TorchCheckpoint.LoadStateDict(path, "ema");

        Assert.Equal(114, listed.Length);
        AssertMatchesList(listed, model);
        // README: ema = the DiffusionTransformer's state dict, i.e. the same keys without the leading "transformer.".
        AssertMatchesList([.. listed.Select(k => (k.Name["transformer.".Length..], k.Shape, k.DType))], ema);
        foreach (var (name, tensor) in model)
            Assert.Equal(tensor.Data.ToArray(), ema[name["transformer.".Length..]].Data.ToArray()); // equal here per README
        Assert.Equal([.. Enumerable.Range(0, 1026).Select(i => (long)i)], model["transformer.transformer.cls_ids"].ToInt64());
        Assert.Equal([0L], model["transformer.transformer.inc.double_conv.1.num_batches_tracked"].ToInt64());
    }

    [ReferenceFact]
    public void SoundStormSolverCheckpointKeepsTheNonTensorEntries()
    {
        var root = Assert.IsType<CheckpointDict>(TorchCheckpoint.Load(ReferencePaths.Get("soundstorm-s2", "last.pth")));

        Assert.Equal(["last_epoch", "last_iter", "model", "ema", "clip_grad_norm", "optimizer_and_scheduler"], root.Keys.Cast<string>());
        Assert.Equal(0L, root["last_epoch"]);
        var clip = (CheckpointDict)root["clip_grad_norm"]!;
        Assert.Equal(5000L, clip["end_iteration"]);
        Assert.Equal(0.5, clip["max_norm"]);
        Assert.Equal(-1L, clip["last_iter"]);
        var none = (CheckpointDict)((CheckpointDict)root["optimizer_and_scheduler"]!)["none"]!;
        var adamW = (CheckpointDict)((CheckpointDict)none["optimizer"]!)["module"]!;
        var group = (CheckpointDict)((List<object?>)adamW["param_groups"]!).Single()!;
        Assert.Equal(6e-06, group["lr"]);
        Assert.Equal(new CheckpointTuple([0.9, 0.96]), group["betas"]);
        Assert.Null(group["foreach"]);
        Assert.Equal(84, ((List<object?>)group["params"]!).Count);
        var scheduler = (CheckpointDict)((CheckpointDict)none["scheduler"]!)["module"]!;
        Assert.Equal(double.PositiveInfinity, scheduler["best"]);
        Assert.Equal("min", scheduler["mode"]);
        Assert.Equal(new List<object?> { 2e-06 }, scheduler["min_lrs"]);
    }

    [ReferenceFact]
    public void HubertTorchaudioCheckpointEqualsTheSafetensorsCopyUnderTheHuggingFaceNames()
    {
        OrderedDictionary<string, CheckpointTensor> torch = TorchCheckpoint.LoadStateDict(ReferencePaths.Get("hubert", "model.pth"));
        SafeTensorsContent hf = SafeTensorsFile.Read(ReferencePaths.Get("hubert", "model_hf.safetensors"));

        // README: a pure prefix mapping; HF additionally has masked_spec_embed.
        Assert.Equal(hf.Tensors.Count - 1, torch.Count);
        Assert.Equal([32L, 1, 10], torch["feature_extractor.conv_layers.0.conv.weight"].Shape);
        Assert.Equal([1L, 1, 128], torch["encoder.transformer.pos_conv_embed.conv.weight_g"].Shape);
        foreach (var (name, tensor) in torch)
        {
            CheckpointTensor twin = hf[ToHuggingFaceName(name)];
            Assert.Equal(tensor.Shape, twin.Shape);
            Assert.Equal(tensor.DType, twin.DType);
            Assert.True(tensor.Data.Span.SequenceEqual(twin.Data.Span), $"{name} differs from its safetensors copy");
        }
    }

    [ReferenceFact]
    public void HifiCodecGeneratorCheckpointHasTheListedKeysShapesAndDTypes()
    {
        (string Name, long[] Shape, CheckpointDType DType)[] listed = ReadKeyList(ReferencePaths.Get("hificodec", "keys.txt"));

        OrderedDictionary<string, CheckpointTensor> tensors = TorchCheckpoint.LoadStateDict(ReferencePaths.Get("hificodec", "g_00000000.pth"));

        // keys.txt writes <container>/<key>; flattening joins them with a dot.
        AssertMatchesList([.. listed.Select(k => (k.Name.Replace('/', '.'), k.Shape, k.DType))], tensors);
        Assert.Equal([1024L, 256], tensors["quantizer.quantizer_modules2.1.embedding.weight"].Shape);
    }

    private static string ToHuggingFaceName(string torchaudioName) => torchaudioName switch
    {
        _ when torchaudioName.StartsWith("encoder.feature_projection.", StringComparison.Ordinal) => torchaudioName["encoder.".Length..],
        _ when torchaudioName.StartsWith("encoder.transformer.", StringComparison.Ordinal) => "encoder." + torchaudioName["encoder.transformer.".Length..],
        _ => torchaudioName,
    };

    private static void AssertMatchesList((string Name, long[] Shape, CheckpointDType DType)[] listed, OrderedDictionary<string, CheckpointTensor> actual)
    {
        Assert.Equal(listed.Select(k => k.Name), actual.Keys);
        foreach (var (name, shape, dtype) in listed)
        {
            Assert.True(shape.SequenceEqual(actual[name].Shape), $"{name}: shape [{string.Join(", ", actual[name].Shape)}], listed [{string.Join(", ", shape)}]");
            Assert.Equal(dtype, actual[name].DType);
        }
    }

    private static (string Name, long[] Shape, CheckpointDType DType)[] ReadKeyList(string path) =>
    [
        .. File.ReadLines(path)
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('\t'))
            .Select(f => (f[0], f[1].Trim('[', ']').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(long.Parse).ToArray(), DTypes[f[2]])),
    ];
}
