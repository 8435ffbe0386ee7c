using SoundStorm.Export.Acoustic;
using SoundStorm.Export.Onnx;
using SoundStorm.Export.Onnx.Blocks;
using SoundStorm.Export.Weights;

namespace SoundStorm.Export.Text;

/// <summary>
/// The <c>text_to_semantic</c> graph. Inputs: <c>phones</c> int64 [B, N] (0..P−1); <c>frame_phone</c> int64 [B, T]
/// (the phone each frame belongs to, 0..N−1); <c>frame_offset</c> and <c>frame_length</c> int64 [B, T] (the frame's
/// offset within its phone and that phone's length, both 0..MaxPhoneFrames−1). Outputs: <c>log_durations</c> float
/// [B, N] (predicted ln(1 + frames) per phone) and <c>logits</c> float [B, T, K]. No padding: the items of a batch
/// have equal N and T. The runtime calls it twice per utterance: once with a single frame to read the durations, then
/// with the frames those durations give, for the units (the encoder is small; running it twice costs little).
/// </summary>
public static class TextToSemanticGraph
{
    /// <summary>Graph input and output names.</summary>
    public const string Phones = "phones", FramePhone = "frame_phone", FrameOffset = "frame_offset", FrameLength = "frame_length",
        LogDurations = "log_durations", Logits = "logits";

    /// <summary>Writes the graph.</summary>
    public static OnnxModel Build(TextToSemanticConfig c, WeightSet w, IReadOnlyList<string> phoneSymbols)
    {
        c.Validate();
        if (phoneSymbols.Count != c.Phones)
            throw new ArgumentException($"{phoneSymbols.Count} phone symbols given; the model has {c.Phones} phones.");
        var g = new OnnxGraphBuilder("text_to_semantic");
        var phones = g.Input(Phones, ElementType.Int64, "batch", "phones");
        var framePhone = g.Input(FramePhone, ElementType.Int64, "batch", "frames");
        var frameOffset = g.Input(FrameOffset, ElementType.Int64, "batch", "frames");
        var frameLength = g.Input(FrameLength, ElementType.Int64, "batch", "frames");
        var shape = new ConformerShape(c.Dim, c.Heads, c.FeedForward, c.ConvKernel);
        // Without padding every key counts and no frame is zeroed: the bias and keep factors are plain scalars.
        GraphValue noBias = g.FloatScalar(0f), keepAll = g.FloatScalar(1f);

        var x = Nn.Embedding(g, phones, w, "phone_emb", c.Phones + 1, c.Dim);
        var (cos, sin) = Rotary.Tables(g, x, c.Dim / c.Heads, c.RotaryBase);
        for (int i = 0; i < c.EncoderLayers; i++)
        {
            using var _ = g.Scope($"encoder{i}");
            x = ConformerGraph.Block(g, shape, w, $"encoder.{i}", x, noBias, keepAll, cos, sin);
        }
        var logDurations = g.Squeeze(Nn.Linear(g, x, w, "duration_head", c.Dim, 1), 2);
        g.Output(logDurations, LogDurations, ElementType.Float, "batch", "phones");

        // Length regulation: frame t takes row frame_phone[t] of its item's phone encodings.
        var index = g.Expand(g.Unsqueeze(framePhone, 2), g.Constant("gather_width", TensorData.FromInt64(new long[] { 1, 1, c.Dim }, 3)));
        var y = g.Node("GatherElements", new[] { x, index }, NodeAttribute.Int("axis", 1));
        y = g.Add(y, g.Add(Nn.Embedding(g, frameOffset, w, "offset_emb", c.MaxPhoneFrames, c.Dim),
            Nn.Embedding(g, frameLength, w, "length_emb", c.MaxPhoneFrames, c.Dim)));
        var (frameCos, frameSin) = Rotary.Tables(g, y, c.Dim / c.Heads, c.RotaryBase);
        for (int i = 0; i < c.DecoderLayers; i++)
        {
            using var _ = g.Scope($"decoder{i}");
            y = ConformerGraph.Block(g, shape, w, $"decoder.{i}", y, noBias, keepAll, frameCos, frameSin);
        }
        var logits = Nn.Linear(g, y, w, "unit_head", c.Dim, c.Units);
        g.Output(logits, Logits, ElementType.Float, "batch", "frames", c.Units);
        return g.Build(Options(c, phoneSymbols));
    }

    /// <summary>Metadata: role, sizes and the phone inventory (space-separated, id order).</summary>
    public static ModelOptions Options(TextToSemanticConfig c, IReadOnlyList<string> phoneSymbols) => new()
    {
        DocString = "SoundStorm text-to-semantic graph (phones → durations → semantic units)",
        Metadata = new Dictionary<string, string>
        {
            ["soundstorm.role"] = "text_to_semantic",
            ["soundstorm.phones"] = string.Join(' ', phoneSymbols),
            ["soundstorm.semantic_vocab"] = c.Units.ToString(CultureInfo.InvariantCulture),
            ["soundstorm.max_phone_frames"] = c.MaxPhoneFrames.ToString(CultureInfo.InvariantCulture),
            ["soundstorm.dim"] = c.Dim.ToString(CultureInfo.InvariantCulture),
        },
    };
}
