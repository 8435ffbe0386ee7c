using SoundStorm.Export.Onnx;

namespace SoundStorm.Onnx.Tests.Speech;

/// <summary>
/// A text_to_semantic graph simple enough for a float64 reference, with the real graph's contract: each phone's
/// ln(1 + duration) is a table entry; a frame's unit logits are the sum of rows of a phone table, an offset table and a
/// length table.
/// </summary>
internal sealed class TinyTextModel
{
    public static readonly string[] Phones = ["SIL", "AA", "B", "K"];
    public const int MaxPhoneFrames = 6;

    public TinyTextModel(int seed, int units = TinyModel.K)
    {
        Units = units;
        var random = new Random(seed);
        float Next() => (float)(random.NextDouble() * 2 - 1);
        LogDurations = Phones.Select(_ => (float)Math.Log(1 + 1 + random.Next(8) + random.NextDouble() * 0.4)).ToArray();
        PhoneRows = Enumerable.Range(0, Phones.Length * units).Select(_ => Next()).ToArray();
        OffsetRows = Enumerable.Range(0, MaxPhoneFrames * units).Select(_ => Next()).ToArray();
        LengthRows = Enumerable.Range(0, MaxPhoneFrames * units).Select(_ => Next()).ToArray();
    }

    /// <summary>Semantic units K of the logits.</summary>
    public int Units { get; }

    public float[] LogDurations { get; }
    public float[] PhoneRows { get; }   // [P, K]
    public float[] OffsetRows { get; }  // [M, K]
    public float[] LengthRows { get; }  // [M, K]

    /// <summary>Writes the graph; <paramref name="declaredUnits"/> is the logits width its signature states (the tables' by default).</summary>
    public string WriteGraph(string path, int? declaredUnits = null)
    {
        int units = Units;
        var g = new OnnxGraphBuilder("tiny_text");
        var phones = g.Input("phones", ElementType.Int64, "batch", "phones");
        var framePhone = g.Input("frame_phone", ElementType.Int64, "batch", "frames");
        var offset = g.Input("frame_offset", ElementType.Int64, "batch", "frames");
        var length = g.Input("frame_length", ElementType.Int64, "batch", "frames");
        g.Output(g.Gather(g.Initializer("durations", TensorData.FromFloat(LogDurations, Phones.Length)), phones), "log_durations", ElementType.Float, "batch", "phones");
        var framePhoneIds = g.Node("GatherElements", new[] { phones, framePhone }, NodeAttribute.Int("axis", 1));
        var logits = g.Add(g.Gather(g.Initializer("phone_rows", TensorData.FromFloat(PhoneRows, Phones.Length, units)), framePhoneIds),
            g.Add(g.Gather(g.Initializer("offset_rows", TensorData.FromFloat(OffsetRows, MaxPhoneFrames, units)), offset),
                g.Gather(g.Initializer("length_rows", TensorData.FromFloat(LengthRows, MaxPhoneFrames, units)), length)));
        g.Output(logits, "logits", ElementType.Float, "batch", "frames", declaredUnits ?? units);
        g.Build(new ModelOptions
        {
            Metadata = new Dictionary<string, string>
            {
                ["soundstorm.phones"] = string.Join(' ', Phones),
                ["soundstorm.max_phone_frames"] = MaxPhoneFrames.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        }).Save(path);
        return path;
    }

    /// <summary>The tiny acoustic model's package with this text graph (declaring <paramref name="declaredUnits"/> logits).</summary>
    public string WritePackage(string folder, int? declaredUnits = null)
    {
        string graphs = Path.Combine(folder, "graphs");
        Directory.CreateDirectory(graphs);
        var (combiner, transformer) = new TinyModel(1).WriteGraphs(graphs);
        string target = Path.Combine(folder, "package");
        new ModelPackageBuilder(TinyModel.Numbers)
            .AddGraph(GraphNames.Combiner, combiner)
            .AddGraph(GraphNames.Transformer, transformer)
            .AddGraph(GraphNames.TextToSemantic, WriteGraph(Path.Combine(graphs, "text.onnx"), declaredUnits))
            .WriteFolder(target);
        return target;
    }

    /// <summary>The reference: durations as the runtime rounds them, then each frame's most likely unit (float64).</summary>
    public long[] UnitsOf(IReadOnlyList<string> phones, double speed)
    {
        var units = new List<long>();
        foreach (string symbol in phones)
        {
            int p = Array.IndexOf(Phones, symbol);
            int duration = (int)Math.Clamp(Math.Round((Math.Exp(LogDurations[p]) - 1) / speed), 1, 100);
            for (int k = 0; k < duration; k++)
            {
                int offset = Math.Min(k, MaxPhoneFrames - 1), length = Math.Min(duration, MaxPhoneFrames - 1);
                var logits = Enumerable.Range(0, Units).Select(u =>
                    (double)PhoneRows[p * Units + u] + OffsetRows[offset * Units + u] + LengthRows[length * Units + u]).ToArray();
                units.Add(Array.IndexOf(logits, logits.Max()));
            }
        }
        return units.ToArray();
    }
}
