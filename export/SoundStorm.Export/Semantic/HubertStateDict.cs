using System.Text.RegularExpressions;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Semantic;

/// <summary>Naming scheme a HuBERT state dict came in.</summary>
public enum HubertNaming
{
    /// <summary>torchaudio <c>Wav2Vec2Model</c> (<c>encoder.transformer.*</c>).</summary>
    Torchaudio,
    /// <summary>Hugging Face <c>HubertModel</c> / <c>Wav2Vec2Model</c> (<c>feature_projection.*</c>, <c>encoder.layers.*</c>).</summary>
    HuggingFace,
    /// <summary>fairseq <c>HubertModel</c> (<c>post_extract_proj</c>, <c>encoder.pos_conv.0</c>, <c>self_attn</c>, <c>fc1</c>).</summary>
    Fairseq,
}

/// <summary>
/// Maps the three HuBERT naming schemes onto torchaudio's names, folds the positional convolution's weight norm,
/// infers the configuration from tensor shapes, and checks the tensors against it.
/// </summary>
public static partial class HubertStateDict
{
    private const string PosConv = "encoder.transformer.pos_conv_embed.conv.";

    /// <summary>Recognises the naming scheme from characteristic keys (after removing a <c>hubert.</c>/<c>wav2vec2.</c> prefix).</summary>
    public static HubertNaming DetectNaming(IEnumerable<string> names, string source)
    {
        var set = names.ToHashSet(StringComparer.Ordinal);
        if (set.Contains("post_extract_proj.weight") || set.Any(n => n.StartsWith("encoder.pos_conv.0.", StringComparison.Ordinal))) return HubertNaming.Fairseq;
        if (set.Any(n => n.StartsWith("encoder.transformer.", StringComparison.Ordinal) || n.StartsWith("encoder.feature_projection.", StringComparison.Ordinal))) return HubertNaming.Torchaudio;
        if (set.Any(n => n.StartsWith("feature_projection.", StringComparison.Ordinal) || n.StartsWith("encoder.layers.", StringComparison.Ordinal))) return HubertNaming.HuggingFace;
        throw new WeightMismatchException($"{source}: no HuBERT tensors found (expected torchaudio 'encoder.transformer.*', Hugging Face 'feature_projection.*' or fairseq 'post_extract_proj.*' names).");
    }

    /// <summary>Training-only tensors that inference never reads (masking embeddings, pre-training and CTC heads).</summary>
    public static bool IsTrainingOnly(string name) =>
        name is "masked_spec_embed" or "mask_emb" or "label_embs_concat"
        || name.StartsWith("final_proj.", StringComparison.Ordinal) || name.StartsWith("mask_generator.", StringComparison.Ordinal)
        || name.StartsWith("logit_generator.", StringComparison.Ordinal) || name.StartsWith("aux.", StringComparison.Ordinal)
        || name.StartsWith("lm_head.", StringComparison.Ordinal) || name.StartsWith("quantizer.", StringComparison.Ordinal)
        || name.StartsWith("project_q.", StringComparison.Ordinal) || name.StartsWith("target_glu.", StringComparison.Ordinal);

    /// <summary>The torchaudio name of <paramref name="name"/> in <paramref name="naming"/> (unrecognised names are returned unchanged).</summary>
    public static string ToTorchaudio(string name, HubertNaming naming)
    {
        name = name.Replace(".parametrizations.weight.original0", ".weight_g", StringComparison.Ordinal)
                   .Replace(".parametrizations.weight.original1", ".weight_v", StringComparison.Ordinal);
        return naming switch
        {
            HubertNaming.HuggingFace when name.StartsWith("feature_projection.", StringComparison.Ordinal) => "encoder." + name,
            HubertNaming.HuggingFace when name.StartsWith("encoder.", StringComparison.Ordinal) => "encoder.transformer." + name["encoder.".Length..],
            HubertNaming.Fairseq => FromFairseq(name),
            _ => name,
        };
    }

    private static string FromFairseq(string name)
    {
        if (name.StartsWith("layer_norm.", StringComparison.Ordinal)) return "encoder.feature_projection." + name;
        if (name.StartsWith("post_extract_proj.", StringComparison.Ordinal)) return "encoder.feature_projection.projection." + name["post_extract_proj.".Length..];
        if (name.StartsWith("encoder.pos_conv.0.", StringComparison.Ordinal)) return PosConv + name["encoder.pos_conv.0.".Length..];
        if (name.StartsWith("encoder.layer_norm.", StringComparison.Ordinal)) return "encoder.transformer." + name["encoder.".Length..];
        var conv = FairseqConv().Match(name);
        if (conv.Success)
        {
            // (conv, dropout, norm, GELU): index 0 is the conv; index 2 the GroupNorm, or (Transpose, LayerNorm, Transpose) → 2.1.
            string part = conv.Groups[2].Value == "0" ? "conv" : "layer_norm";
            return $"feature_extractor.conv_layers.{conv.Groups[1].Value}.{part}.{conv.Groups[3].Value}";
        }
        var layer = FairseqLayer().Match(name);
        if (!layer.Success) return name;
        string module = layer.Groups[2].Value switch
        {
            "self_attn" => "attention",
            "self_attn_layer_norm" => "layer_norm",
            "fc1" => "feed_forward.intermediate_dense",
            "fc2" => "feed_forward.output_dense",
            var other => other,
        };
        return $"encoder.transformer.layers.{layer.Groups[1].Value}.{module}{layer.Groups[3].Value}";
    }

    /// <summary>
    /// Renames to torchaudio names, drops training-only tensors and folds weight norm (w = g·v/‖v‖, the norm taken
    /// over every axis where g has size 1 — torch's <c>weight_norm(dim=2)</c> gives g [1, 1, K]: one norm per tap).
    /// </summary>
    public static WeightSet Normalize(WeightSet raw, HubertNaming naming)
    {
        var result = new WeightSet(raw.Source);
        foreach (string original in raw.Names)
        {
            string name = StripModelPrefix(original);
            if (IsTrainingOnly(name)) continue;
            var tensor = raw.Peek(original);
            result.Add(ToTorchaudio(name, naming), tensor.Data, tensor.Shape);
        }
        bool hasG = result.Contains(PosConv + "weight_g"), hasV = result.Contains(PosConv + "weight_v");
        if (hasG && hasV)
        {
            var (g, v) = (result.Peek(PosConv + "weight_g"), result.Peek(PosConv + "weight_v"));
            result.Add(PosConv + "weight", FoldWeightNorm(g, v, raw.Source), v.Shape);
            result = Without(result, PosConv + "weight_g", PosConv + "weight_v");
        }
        else if (hasG != hasV)
        {
            throw new WeightMismatchException($"{raw.Source}: weight norm of the positional convolution needs both weight_g and weight_v; found only {(hasG ? "weight_g" : "weight_v")}.");
        }
        return result;
    }

    /// <summary>Removes a <c>hubert.</c> / <c>wav2vec2.</c> wrapper prefix (HubertForCTC, torchaudio HuBERTPretrainModel).</summary>
    private static string StripModelPrefix(string name)
    {
        foreach (string prefix in new[] { "hubert.", "wav2vec2." })
            if (name.StartsWith(prefix, StringComparison.Ordinal)) return name[prefix.Length..];
        return name;
    }

    internal static float[] FoldWeightNorm(WeightTensor g, WeightTensor v, string source)
    {
        if (g.Shape.Length != v.Shape.Length || g.Shape.Where((d, i) => d != 1 && d != v.Shape[i]).Any())
            throw new WeightMismatchException($"{source}: weight_g {g.ShapeText} does not broadcast over weight_v {v.ShapeText}.");
        // Offsets of v's elements into g: every axis where g has size 1 is reduced over.
        var gIndex = new long[v.Data.Length];
        long[] vStrides = Strides(v.Shape), gStrides = Strides(g.Shape);
        for (long flat = 0; flat < v.Data.Length; flat++)
        {
            long rest = flat, offset = 0;
            for (int axis = 0; axis < v.Shape.Length; axis++)
            {
                long coordinate = rest / vStrides[axis];
                rest %= vStrides[axis];
                if (g.Shape[axis] != 1) offset += coordinate * gStrides[axis];
            }
            gIndex[flat] = offset;
        }
        var sumSquares = new double[g.Data.Length];
        for (long i = 0; i < v.Data.Length; i++) sumSquares[gIndex[i]] += (double)v.Data[i] * v.Data[i];
        var folded = new float[v.Data.Length];
        for (long i = 0; i < v.Data.Length; i++) folded[i] = (float)(g.Data[gIndex[i]] * v.Data[i] / Math.Sqrt(sumSquares[gIndex[i]]));
        return folded;
    }

    private static long[] Strides(long[] shape)
    {
        var strides = new long[shape.Length];
        long s = 1;
        for (int i = shape.Length - 1; i >= 0; i--) { strides[i] = s; s *= shape[i]; }
        return strides;
    }

    private static WeightSet Without(WeightSet set, params string[] names)
    {
        var result = new WeightSet(set.Source);
        foreach (string n in set.Names.Where(n => !names.Contains(n)))
        {
            var t = set.Peek(n);
            result.Add(n, t.Data, t.Shape);
        }
        return result;
    }

    [GeneratedRegex(@"^feature_extractor\.conv_layers\.(\d+)\.(0|2|2\.1)\.(weight|bias)$")]
    private static partial Regex FairseqConv();

    [GeneratedRegex(@"^encoder\.layers\.(\d+)\.(self_attn|self_attn_layer_norm|fc1|fc2|final_layer_norm)(\..+)$")]
    private static partial Regex FairseqLayer();
}
