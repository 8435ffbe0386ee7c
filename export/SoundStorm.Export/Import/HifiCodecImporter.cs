using SoundStorm.Export.Checkpoints;
using SoundStorm.Export.Codec;
using SoundStorm.Export.Weights;

using SoundStorm.Export.Packaging;

namespace SoundStorm.Export.Import;

/// <summary>What <see cref="HifiCodecImporter.Import"/> wrote.</summary>
/// <param name="EncoderPath">The <c>codec_encoder.onnx</c> file.</param>
/// <param name="DecoderPath">The <c>codec_decoder.onnx</c> file.</param>
/// <param name="InfoPath">The <c>codec.json</c> file with rate, hop and code layout.</param>
/// <param name="Config">The architecture read from the config json.</param>
/// <param name="TensorCount">Checkpoint tensors imported (weight-norm pairs counted as two).</param>
public sealed record HifiCodecImportResult(string EncoderPath, string DecoderPath, string InfoPath, HifiCodecConfig Config, int TensorCount)
{
    /// <summary>Sample rate in Hz.</summary>
    public int SampleRate => Config.SamplingRate;

    /// <summary>Samples per code frame.</summary>
    public int Hop => Config.Hop;

    /// <summary>Codes per frame (levels × groups).</summary>
    public int Codebooks => Config.CodesPerFrame;

    /// <summary>Codewords per codebook.</summary>
    public int CodebookSize => Config.CodebookSize;
}

/// <summary>
/// Imports AcademiCodec HiFi-Codec generator checkpoints (<c>g_XXXXXXXX</c>: a torch-saved dict with the
/// <c>encoder</c>, <c>generator</c> and <c>quantizer</c> state dicts) with their config json: checks every tensor
/// against the configuration, folds weight norm, and writes <c>codec_encoder.onnx</c>, <c>codec_decoder.onnx</c>
/// and <c>codec.json</c>.
/// </summary>
public static class HifiCodecImporter
{
    /// <summary>State dicts a generator checkpoint must hold.</summary>
    public static readonly IReadOnlyList<string> Containers = new[] { "encoder", "generator", "quantizer" };

    /// <summary>Encoder graph file name.</summary>
    public const string EncoderFileName = "codec_encoder.onnx";

    /// <summary>Decoder graph file name.</summary>
    public const string DecoderFileName = "codec_decoder.onnx";

    /// <summary>Codec description file name.</summary>
    public const string InfoFileName = "codec.json";

    /// <summary>Reads, checks and converts a checkpoint; writes the two graphs and <c>codec.json</c> to <paramref name="outputDirectory"/>.</summary>
    public static HifiCodecImportResult Import(string checkpointPath, string configPath, string outputDirectory)
    {
        var config = HifiCodecConfig.Load(configPath);
        return Write(ReadWeights(checkpointPath), config, outputDirectory);
    }

    /// <summary>
    /// Checks and converts weights with checkpoint names (weight norm split, e.g. from a trained TorchSharp codec) and
    /// writes the two graphs, <c>codec.json</c> and the package fragment to <paramref name="outputDirectory"/>.
    /// </summary>
    public static HifiCodecImportResult Write(WeightSet raw, HifiCodecConfig config, string outputDirectory)
    {
        CheckTensors(raw, config);
        var folded = WeightNormFolding.Fold(raw);
        var (encoder, decoder) = HifiCodecGraphs.Build(config, folded);
        folded.EnsureAllUsed();

        Directory.CreateDirectory(outputDirectory);
        var result = new HifiCodecImportResult(
            Path.Combine(outputDirectory, EncoderFileName), Path.Combine(outputDirectory, DecoderFileName),
            Path.Combine(outputDirectory, InfoFileName), config, raw.Names.Count());
        encoder.Save(result.EncoderPath);
        decoder.Save(result.DecoderPath);
        File.WriteAllText(result.InfoPath, Describe(config));
        new PackageFragment
        {
            SampleRate = config.SamplingRate,
            FrameRate = (double)config.SamplingRate / config.Hop,
            Codebooks = config.CodesPerFrame,
            CodebookSize = config.CodebookSize,
            CodecContextFrames = HifiCodecReceptiveField.ContextFrames(config),
            Graphs = { [GraphNames.CodecEncoder] = EncoderFileName, [GraphNames.CodecDecoder] = DecoderFileName },
        }.Write(outputDirectory);
        return result;
    }

    /// <summary>Every tensor of the three state dicts, named <c>{container}.{key}</c>, as float32.</summary>
    public static WeightSet ReadWeights(string checkpointPath)
    {
        var root = TorchCheckpoint.Load(checkpointPath, TorchLoadOptions.TrainingCheckpoint) as CheckpointDict
            ?? throw new CheckpointFormatException($"{checkpointPath}: expected a dictionary at the top level.");
        var absent = Containers.Where(c => !root.ContainsKey(c)).ToArray();
        if (absent.Length > 0)
            throw new CheckpointFormatException(
                $"{checkpointPath}: not an AcademiCodec generator checkpoint: missing '{string.Join("', '", absent)}' (found {string.Join(", ", root.Keys)}).");
        var weights = new WeightSet(checkpointPath);
        foreach (string container in Containers)
            foreach (var (name, tensor) in TorchCheckpoint.LoadStateDict(checkpointPath, container, TorchLoadOptions.TrainingCheckpoint))
                weights.Add($"{container}.{name}", tensor.ToFloat32(), tensor.Shape.ToArray());
        return weights;
    }

    /// <summary>
    /// Compares the tensors (weight norm still split) with what <paramref name="config"/> implies; missing, unexpected
    /// and misshapen tensors are reported together in one <see cref="WeightMismatchException"/>.
    /// </summary>
    public static void CheckTensors(WeightSet weights, HifiCodecConfig config)
    {
        var expected = HifiCodecStateDict.Expected(config).ToDictionary(s => s.Name, StringComparer.Ordinal);
        var missing = expected.Values.Where(s => !weights.Contains(s.Name)).Select(s => $"{s.Name} {s.ShapeText}").ToArray();
        var unexpected = weights.Names.Where(n => !expected.ContainsKey(n)).OrderBy(n => n, StringComparer.Ordinal)
            .Select(n => $"{n} {weights.Peek(n).ShapeText}").ToArray();
        var misshapen = expected.Values.Where(s => weights.Contains(s.Name) && !weights.Peek(s.Name).Shape.AsSpan().SequenceEqual(s.Shape))
            .Select(s => $"{s.Name} is {weights.Peek(s.Name).ShapeText}, expected {s.ShapeText}").ToArray();
        if (WeightProblems.Describe(("missing", missing), ("unexpected", unexpected), ("misshapen", misshapen)) is not { } problems) return;
        throw new WeightMismatchException(
            $"{weights.Source}: the tensors do not match the HiFi-Codec config ({config.Stages} stages, generator width {config.UpsampleInitialChannel}, " +
            $"{config.KernelsPerStage} resblocks per stage): {problems}.");
    }

    /// <summary>The <c>codec.json</c> text: what a runtime needs to feed and read the graphs.</summary>
    public static string Describe(HifiCodecConfig config) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["family"] = "hificodec",
        ["sample_rate"] = config.SamplingRate,
        ["hop"] = config.Hop,
        ["codebooks"] = config.CodesPerFrame,
        ["codebook_size"] = config.CodebookSize,
        ["code_groups"] = config.CodeGroups,
        ["residual_levels"] = config.ResidualLevels,
        ["encoder"] = EncoderFileName,
        ["decoder"] = DecoderFileName,
    }, new JsonSerializerOptions { WriteIndented = true });
}
