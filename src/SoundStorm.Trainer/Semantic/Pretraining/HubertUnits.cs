using System.Diagnostics;
using System.Text.Json;
using SoundStorm.Export.Import;
using SoundStorm.Export.Checkpoints;
using SoundStorm.Export.NumPy;
using SoundStorm.Trainer.Checkpoints;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Semantic.Pretraining;

/// <summary>What <see cref="HubertUnits.Build"/> wrote and measured.</summary>
/// <param name="Import">The importer's result (semantic.onnx path, layer, clusters).</param>
/// <param name="Frames">Feature frames clustered (utterances are taken in random order until the frame limit).</param>
/// <param name="UsedUnits">Units that are nearest to at least one clustered frame.</param>
/// <param name="Perplexity">exp(entropy) of the unit distribution over the clustered frames.</param>
internal sealed record HubertUnitsResult(HubertImportResult Import, long Frames, int UsedUnits, double Perplexity);

/// <summary>
/// The semantic vocabulary from a pre-trained HuBERT: layer <c>L</c> features of the training audio, k-means into
/// <c>K</c> units, and the package fragment through the ordinary importer — the encoder is written as a torchaudio-named
/// safetensors file (<c>hubert.safetensors</c>) with a torchaudio-style config (<c>hubert-config.json</c>), the centres
/// as <c>kmeans.npy</c>, then <see cref="HubertImporter.Import"/> writes <c>semantic.onnx</c> and the fragment.
/// </summary>
internal static class HubertUnits
{
    /// <summary>File names written next to the importer's output.</summary>
    public const string WeightsFile = "hubert.safetensors", ConfigFile = "hubert-config.json", CentroidsFile = "kmeans.npy";

    /// <summary>The encoder of a pre-training checkpoint, weights loaded, in eval mode.</summary>
    public static HubertModel LoadEncoder(string checkpointPath)
    {
        var checkpoint = HubertPretrainCheckpoint.Load(checkpointPath);
        var model = new HubertModel(checkpoint.Options.ToConfig());
        StateDicts.Load(model, checkpoint.Tensors, checkpointPath, HubertPretrainCheckpoint.EncoderPrefix);
        model.eval();
        return model;
    }

    /// <summary>Layer <paramref name="layer"/> features (T, D) of one 16 kHz waveform.</summary>
    public static Tensor Features(HubertModel model, float[] samples, int layer)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        return model.forward(tensor(samples).unsqueeze(0), layer)[0].MoveToOuterDisposeScope();
    }

    /// <summary>Clusters the layer features of <paramref name="audio"/> and imports the result into <paramref name="outputFolder"/>.</summary>
    public static HubertUnitsResult Build(string checkpointPath, IReadOnlyList<PretrainUtterance> audio, int layer, int units, string outputFolder,
        long seed = 1, int maxFrames = 200_000, int iterations = 30, TextWriter? log = null)
    {
        log ??= TextWriter.Null;
        using var model = LoadEncoder(checkpointPath);
        var config = model.Config;
        if (layer < 1 || layer > config.Layers) throw new ArgumentException($"--layer {layer}: the model has layers 1..{config.Layers}.");
        if (units < 2) throw new ArgumentException($"--units {units}: at least 2 units are needed.");
        var clock = Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        // Utterances in a seeded random order until maxFrames frames are collected: all of them for a small corpus,
        // a random share of a large one (then every frame is clustered).
        var usable = audio.Where(u => u.Samples.Length >= config.ReceptiveField).ToArray();
        var list = new List<Tensor>();
        long collected = 0;
        foreach (int i in new Training.StepRandom(seed, 19, 0).Permutation(usable.Length))
        {
            if (collected >= maxFrames) break;
            var f = Features(model, usable[i].Samples, layer);
            list.Add(f);
            collected += f.shape[0];
        }
        var features = list.ToArray();
        if (features.Length == 0) throw new ArgumentException($"no utterance is at least {config.ReceptiveField} samples long.");
        Tensor all = cat(features, 0);
        log.WriteLine($"layer {layer} features: {all.shape[0]} frames × {all.shape[1]} from {features.Length} utterances in {clock.Elapsed.TotalSeconds:F1} s");
        if (all.shape[0] > maxFrames) // cluster a seeded random subset; the units then apply to every frame
        {
            using var generator = new Generator((ulong)seed); // held: see SeededInit
            all = all.index_select(0, randperm(all.shape[0], generator: generator)[..maxFrames]);
        }
        if (all.shape[0] < units) throw new ArgumentException($"the audio gives {all.shape[0]} frames, fewer than {units} units.");
        Tensor centroids = KMeans.Fit(all, units, seed, iterations, log: log);
        Tensor counts = bincount(KMeans.Assign(all, centroids), minlength: units).to_type(ScalarType.Float64);
        Tensor p = counts / counts.sum();
        double entropy = -(p * p.clamp_min(1e-30).log()).sum().item<double>();
        int used = (int)counts.gt(0).sum().item<long>();
        log.WriteLine($"unit k-means: {units} units ({used} used, perplexity {Math.Exp(entropy):F1}) in {clock.Elapsed.TotalSeconds:F1} s");

        Directory.CreateDirectory(outputFolder);
        string weights = Path.Combine(outputFolder, WeightsFile), configPath = Path.Combine(outputFolder, ConfigFile), kmeans = Path.Combine(outputFolder, CentroidsFile);
        SafeTensorsFile.Write(weights, StateDicts.ToCheckpointTensors(model));
        File.WriteAllText(configPath, TorchaudioConfigJson(config));
        using (var c = centroids.contiguous())
            NpyFile.Write(kmeans, new NpyArray(c.data<float>().ToArray(), units, (int)c.shape[1]));
        var import = HubertImporter.Import(weights, configPath, layer, kmeans, outputFolder);
        return new HubertUnitsResult(import, all.shape[0], used, Math.Exp(entropy));
    }

    /// <summary>The encoder's shape as torchaudio <c>wav2vec2_model</c> arguments (what the importer reads as hints).</summary>
    internal static string TorchaudioConfigJson(SoundStorm.Export.Semantic.HubertConfig config) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["extractor_mode"] = config.ExtractorMode == SoundStorm.Export.Semantic.HubertExtractorMode.LayerNorm ? "layer_norm" : "group_norm",
        ["extractor_conv_layer_config"] = config.ConvLayers.Select(l => new[] { l.Channels, l.Kernel, l.Stride }).ToArray(),
        ["extractor_conv_bias"] = config.ConvBias,
        ["encoder_embed_dim"] = config.EmbedDim,
        ["encoder_pos_conv_kernel"] = config.PosConvKernel,
        ["encoder_pos_conv_groups"] = config.PosConvGroups,
        ["encoder_num_layers"] = config.Layers,
        ["encoder_num_heads"] = config.Heads,
        ["encoder_ff_interm_features"] = config.FeedForwardDim,
        ["encoder_layer_norm_first"] = config.LayerNormFirst,
    }, new JsonSerializerOptions { WriteIndented = true });
}
