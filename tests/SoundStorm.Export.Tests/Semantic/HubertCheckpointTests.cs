using System.Buffers.Binary;
using System.Text;
using SoundStorm.Export.Semantic;
using SoundStorm.Export.Tests.Checkpoints;
using SoundStorm.Export.Weights;
using static SoundStorm.Export.Tests.Semantic.HubertReference;

namespace SoundStorm.Export.Tests.Semantic;

/// <summary>fairseq-layout checkpoints and broken checkpoints.</summary>
public class HubertCheckpointTests
{
    [ReferenceFact]
    public void Fairseq_checkpoint_with_omegaconf_settings_reproduces_the_reference()
    {
        string path = TempFile(".pt");
        try
        {
            WriteFairseqCheckpoint(path);
            var (weights, config, naming) = HubertImporter.ReadModel(path, null);
            Assert.Equal(HubertNaming.Fairseq, naming);
            Assert.Equal((4, false), (config.Heads, config.LayerNormFirst)); // from the embedded cfg, not the 64-wide default
            var model = SemanticGraph.Build(config, weights, 3, null);
            weights.EnsureAllUsed();
            Compare.Close(OrtRunner.Run(model, Waveform())["features"], Npy("hidden_state_3.npy"), 1e-4);
        }
        finally { System.IO.File.Delete(path); }
    }

    [ReferenceFact]
    public void Missing_extra_and_misshapen_tensors_are_listed_together()
    {
        var source = SafeTensorsFile.Read(File("model_hf.safetensors")).Tensors.ToList();
        source.RemoveAll(t => t.Name == "encoder.layers.1.attention.k_proj.bias");
        source.Add(new CheckpointTensor("encoder.layers.0.attention.surprise", CheckpointDType.F32, [2], new byte[8]));
        int ffn = source.FindIndex(t => t.Name == "encoder.layers.2.feed_forward.output_dense.bias");
        source[ffn] = new CheckpointTensor(source[ffn].Name, CheckpointDType.F32, [63], new byte[63 * 4]);
        string path = TempFile(".safetensors");
        try
        {
            SafeTensorsFile.Write(path, source);
            var message = Assert.Throws<WeightMismatchException>(() => HubertImporter.ReadModel(path, File("hf_config.json"))).Message;
            Assert.Contains("missing 1: encoder.transformer.layers.1.attention.k_proj.bias", message);
            Assert.Contains("unexpected 1: encoder.transformer.layers.0.attention.surprise", message);
            Assert.Contains("encoder.transformer.layers.2.feed_forward.output_dense.bias [63] (expected [64])", message);
        }
        finally { System.IO.File.Delete(path); }
    }

    [ReferenceFact]
    public void A_file_without_hubert_tensors_is_rejected()
    {
        string path = TempFile(".safetensors");
        try
        {
            SafeTensorsFile.Write(path, [new CheckpointTensor("decoder.weight", CheckpointDType.F32, [1], new byte[4])]);
            Assert.Contains("no HuBERT tensors", Assert.Throws<WeightMismatchException>(() => HubertImporter.ReadModel(path, null)).Message);
        }
        finally { System.IO.File.Delete(path); }
    }

    [ReferenceFact]
    public void Weight_norm_is_folded_per_kernel_tap()
    {
        // g [1, 1, 2], v [2, 1, 2]: w[:, :, k] = g[k] · v[:, :, k] / ‖v[:, :, k]‖.
        var g = new WeightTensor([2f, 10f], [1, 1, 2]);
        var v = new WeightTensor([3f, 1f, 4f, 0f], [2, 1, 2]);
        float[] w = HubertStateDict.FoldWeightNorm(g, v, "test");
        Assert.Equal(new[] { 2f * 3 / 5, 10f, 2f * 4 / 5, 0f }, w);
    }

    private static string TempFile(string extension) => Path.Combine(Path.GetTempPath(), $"hubert-{Guid.NewGuid():N}{extension}");

    /// <summary>
    /// model.pth re-wrapped the way fairseq saves: {"args": Namespace(), "cfg": DictConfig{model: DictConfig{AnyNode...}},
    /// "model": state dict with fairseq names}. The state dict's pickle is reused with its keys renamed.
    /// </summary>
    private static void WriteFairseqCheckpoint(string path)
    {
        string source = File("model.pth");
        using var zip = System.IO.Compression.ZipFile.OpenRead(source);
        string record = zip.Entries.Single(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)).FullName;
        byte[] original = TorchZipTestFiles.ReadRecord(source, record);
        byte[] body = RenameKeys(original[2..^1]); // drop PROTO 2 and STOP

        var p = new PickleBuilder().Proto(2).Op('}').Op('(');
        p.Unicode("args").Global("argparse", "Namespace").Op(')').Op(0x81).Op('}').Op('b');
        p.Unicode("cfg");
        DictConfig(p, () =>
        {
            p.Unicode("model");
            DictConfig(p, () =>
            {
                p.Unicode("encoder_attention_heads"); AnyNode(p, () => p.Int(4));
                p.Unicode("layer_norm_first"); AnyNode(p, () => p.Op(0x89));
                p.Unicode("extractor_mode"); AnyNode(p, () => p.Unicode("default"));
                p.Unicode("conv_feature_layers"); AnyNode(p, () => p.Unicode("[(32, 10, 5)] + [(32, 3, 2)] * 4 + [(32, 2, 2)] * 2"));
            });
        });
        p.Unicode("model").Raw(body).Op('u').Op('.');
        TorchZipTestFiles.Rewrite(source, path, record, p.ToArray());
    }

    private static void DictConfig(PickleBuilder p, Action content)
    {
        p.Global("omegaconf.dictconfig", "DictConfig").Op(')').Op(0x81).Op('}').Op('(').Unicode("_content").Op('}').Op('(');
        content();
        p.Op('u').Op('u').Op('b');
    }

    private static void AnyNode(PickleBuilder p, Action value)
    {
        p.Global("omegaconf.nodes", "AnyNode").Op(')').Op(0x81).Op('}').Op('(').Unicode("_val");
        value();
        p.Op('u').Op('b');
    }

    private static byte[] RenameKeys(byte[] pickle)
    {
        var result = pickle;
        foreach (var line in System.IO.File.ReadLines(File("README.md")).Where(l => l.StartsWith("| `feature_extractor.", StringComparison.Ordinal) || l.StartsWith("| `encoder.", StringComparison.Ordinal)))
        {
            string key = line.Split('`')[1];
            if (key.EndsWith('.')) continue; // the prefix table
            result = Replace(result, BinUnicode(key), BinUnicode(ToFairseq(key)));
        }
        return result;
    }

    private static string ToFairseq(string key)
    {
        string k = key
            .Replace("feature_extractor.conv_layers.0.layer_norm.", "feature_extractor.conv_layers.0.2.")
            .Replace("encoder.feature_projection.layer_norm.", "layer_norm.")
            .Replace("encoder.feature_projection.projection.", "post_extract_proj.")
            .Replace("encoder.transformer.pos_conv_embed.conv.", "encoder.pos_conv.0.")
            .Replace("encoder.transformer.", "encoder.")
            .Replace(".attention.", ".self_attn.")
            .Replace(".feed_forward.intermediate_dense.", ".fc1.")
            .Replace(".feed_forward.output_dense.", ".fc2.");
        k = System.Text.RegularExpressions.Regex.Replace(k, @"^(feature_extractor\.conv_layers\.\d+)\.conv\.", "$1.0.");
        return System.Text.RegularExpressions.Regex.Replace(k, @"^(encoder\.layers\.\d+)\.layer_norm\.", "$1.self_attn_layer_norm.");
    }

    private static byte[] BinUnicode(string text)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        var op = new byte[5 + utf8.Length];
        op[0] = (byte)'X';
        BinaryPrimitives.WriteInt32LittleEndian(op.AsSpan(1), utf8.Length);
        utf8.CopyTo(op, 5);
        return op;
    }

    private static byte[] Replace(byte[] data, byte[] find, byte[] replacement)
    {
        int at = data.AsSpan().IndexOf(find);
        Assert.True(at >= 0, $"key {Encoding.UTF8.GetString(find[5..])} not found in the pickle");
        return [.. data[..at], .. replacement, .. data[(at + find.Length)..]];
    }
}
