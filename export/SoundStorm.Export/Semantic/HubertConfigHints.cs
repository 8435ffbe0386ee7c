using System.Text.RegularExpressions;
using SoundStorm.Export.Checkpoints;

namespace SoundStorm.Export.Semantic;

/// <summary>
/// Settings a checkpoint's tensors cannot reveal (heads, strides, pre/post-LN, ...), read from a config: Hugging Face
/// <c>config.json</c> (<c>HubertConfig</c>), torchaudio <c>wav2vec2_model</c> arguments, or fairseq model settings
/// (json or the <c>cfg.model</c> / <c>args</c> stored in a fairseq checkpoint). Null = not stated.
/// </summary>
public sealed partial record HubertConfigHints
{
    /// <summary>Attention heads.</summary>
    public int? Heads { get; init; }

    /// <summary>Pre-LN (true) or post-LN (false) transformer layers.</summary>
    public bool? LayerNormFirst { get; init; }

    /// <summary>Extractor normalisation.</summary>
    public HubertExtractorMode? ExtractorMode { get; init; }

    /// <summary>Extractor convolutions.</summary>
    public IReadOnlyList<HubertConvLayer>? ConvLayers { get; init; }

    /// <summary>LayerNorm epsilon.</summary>
    public float? Epsilon { get; init; }

    /// <summary>Reads a config json in any of the three formats; <see cref="CheckpointFormatException"/> when it is none of them.</summary>
    public static HubertConfigHints FromJsonFile(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var settings = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var p in doc.RootElement.EnumerateObject()) settings[p.Name] = FromJson(p.Value);
        return FromSettings(settings, path);
    }

    /// <summary>
    /// Reads settings given as name → value (strings, numbers, bools, lists). Recognises the Hugging Face, torchaudio
    /// and fairseq spellings.
    /// </summary>
    public static HubertConfigHints FromSettings(IReadOnlyDictionary<string, object?> s, string source)
    {
        if (s.ContainsKey("hidden_size") || s.ContainsKey("num_attention_heads")) // Hugging Face HubertConfig / Wav2Vec2Config
        {
            return new HubertConfigHints
            {
                Heads = Int(s, "num_attention_heads"),
                LayerNormFirst = Bool(s, "do_stable_layer_norm"),
                ExtractorMode = Str(s, "feat_extract_norm") switch { null => null, "group" => HubertExtractorMode.GroupNorm, "layer" => HubertExtractorMode.LayerNorm, var m => throw Bad(source, "feat_extract_norm", m) },
                ConvLayers = HfConvLayers(s, source),
                Epsilon = s.TryGetValue("layer_norm_eps", out var e) && e is double d ? (float)d : null,
            };
        }
        if (s.ContainsKey("encoder_num_heads") || s.ContainsKey("extractor_conv_layer_config")) // torchaudio wav2vec2_model
        {
            return new HubertConfigHints
            {
                Heads = Int(s, "encoder_num_heads"),
                LayerNormFirst = Bool(s, "encoder_layer_norm_first"),
                ExtractorMode = Mode(Str(s, "extractor_mode"), source),
                ConvLayers = s.TryGetValue("extractor_conv_layer_config", out var c) && c is List<object?> list ? list.Select(l => Triple(l, source)).ToArray() : null,
            };
        }
        if (s.ContainsKey("encoder_attention_heads") || s.ContainsKey("conv_feature_layers")) // fairseq HubertConfig / Wav2Vec2Config
        {
            return new HubertConfigHints
            {
                Heads = Int(s, "encoder_attention_heads"),
                LayerNormFirst = Bool(s, "layer_norm_first"),
                ExtractorMode = Mode(Str(s, "extractor_mode"), source),
                ConvLayers = Str(s, "conv_feature_layers") is { } text ? ParseFairseqConvLayers(text, source) : null,
            };
        }
        throw new CheckpointFormatException($"{source}: not a HuBERT config (expected Hugging Face 'num_attention_heads', torchaudio 'encoder_num_heads' or fairseq 'encoder_attention_heads').");
    }

    /// <summary>fairseq's <c>"[(512,10,5)] + [(512,3,2)] * 4 + ..."</c> (a Python expression, parsed, never evaluated).</summary>
    internal static IReadOnlyList<HubertConvLayer> ParseFairseqConvLayers(string text, string source)
    {
        var layers = new List<HubertConvLayer>();
        foreach (string term in text.Split('+'))
        {
            var m = FairseqTerm().Match(term.Trim());
            if (!m.Success) throw Bad(source, "conv_feature_layers", text);
            int repeat = m.Groups[4].Success ? int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture) : 1;
            var layer = new HubertConvLayer(Parse(m.Groups[1]), Parse(m.Groups[2]), Parse(m.Groups[3]));
            layers.AddRange(Enumerable.Repeat(layer, repeat));
        }
        return layers;
        static int Parse(Group g) => int.Parse(g.Value, CultureInfo.InvariantCulture);
    }

    private static HubertExtractorMode? Mode(string? mode, string source) => mode switch
    {
        null => null,
        "group_norm" or "default" => HubertExtractorMode.GroupNorm,
        "layer_norm" => HubertExtractorMode.LayerNorm,
        _ => throw Bad(source, "extractor_mode", mode),
    };

    private static IReadOnlyList<HubertConvLayer>? HfConvLayers(IReadOnlyDictionary<string, object?> s, string source)
    {
        if (s.GetValueOrDefault("conv_dim") is not List<object?> dims || s.GetValueOrDefault("conv_kernel") is not List<object?> kernels
            || s.GetValueOrDefault("conv_stride") is not List<object?> strides) return null;
        if (dims.Count != kernels.Count || dims.Count != strides.Count) throw Bad(source, "conv_dim/conv_kernel/conv_stride", "lists of different lengths");
        return dims.Select((d, i) => new HubertConvLayer(ToInt(d, source), ToInt(kernels[i], source), ToInt(strides[i], source))).ToArray();
    }

    private static HubertConvLayer Triple(object? value, string source) =>
        value is List<object?> { Count: 3 } t ? new HubertConvLayer(ToInt(t[0], source), ToInt(t[1], source), ToInt(t[2], source)) : throw Bad(source, "extractor_conv_layer_config", value);

    private static int? Int(IReadOnlyDictionary<string, object?> s, string key) => s.TryGetValue(key, out var v) && v is not null ? ToInt(v, key) : null;

    private static bool? Bool(IReadOnlyDictionary<string, object?> s, string key) => s.TryGetValue(key, out var v) && v is bool b ? b : null;

    private static string? Str(IReadOnlyDictionary<string, object?> s, string key) => s.TryGetValue(key, out var v) ? v as string ?? v?.ToString() : null;

    private static int ToInt(object? v, string what) => v switch
    {
        long l => checked((int)l),
        double d when d == Math.Floor(d) => checked((int)d),
        _ => throw new CheckpointFormatException($"{what}: expected an integer, found '{v}'."),
    };

    private static object? FromJson(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out long l) ? l : e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => e.EnumerateArray().Select(FromJson).ToList(),
        _ => null,
    };

    private static CheckpointFormatException Bad(string source, string field, object? value) =>
        new($"{source}: unsupported value '{value}' for '{field}'.");

    [GeneratedRegex(@"^\[\s*\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)\s*\](?:\s*\*\s*(\d+))?$")]
    private static partial Regex FairseqTerm();
}
