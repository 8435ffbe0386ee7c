using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using SoundStorm.Onnx;
using SoundStorm.Benchmarks.Models;

namespace SoundStorm.Benchmarks.Scenarios;

/// <summary>
/// How close int8 forms of a real package's transformer stay to float32, and what each costs, in one run: for every
/// form (all blocks quantised, then 1, 2, … edge blocks kept float32), the logits' relative error, argmax agreement
/// and mean KL divergence on real speech (each level in a fresh and a half-revealed step), the tokens a same-seed
/// generation shares with float32's, and the forward time against float32's, timed alternately on one input.
/// </summary>
internal static class Int8QualityScenario
{
    private const int Pairs = 31, TimedFrames = 500;
    private const string Combiner = "combiner", Transformer = "transformer"; // the package's graph roles (docs/graph-contract.md)

    /// <summary>
    /// The graph metadata entry the exporter's int8 pass writes (and copies into the manifest's <c>quantization</c>):
    /// read from the graph itself, as the runtime's public API does not expose the manifest.
    /// </summary>
    private const string QuantizationKey = "soundstorm.quantization";
    private static readonly ulong[] Seeds = [0, 1, 2];

    /// <param name="model">A float32 model package folder (the shipped one by default).</param>
    /// <param name="speech">Speech clips: the first is the generation target, the second's first 3 s its prompt.</param>
    /// <param name="edges">FloatEdgeBlocks values to measure.</param>
    /// <param name="work">A folder for the int8 packages.</param>
    /// <param name="log">Progress lines.</param>
    public static IEnumerable<ScenarioResult> Run(string model, IReadOnlyList<string> speech, IReadOnlyList<int> edges, string work, Action<string> log)
    {
        using var float32 = ModelPackage.Load(model);
        var clips = speech.Select(path => Clip(float32, path)).ToList();
        var cases = clips.SelectMany(c => Steps(c, float32)).ToList();
        var prompt = clips[^1];
        int promptFrames = Math.Min(prompt.Frames, 3 * (int)float32.FrameRate);
        var requests = Seeds.Select(seed => new GenerationRequest(clips[0].Semantic, prompt.Codes.Slice(0, promptFrames), prompt.Semantic[..promptFrames], seed)).ToList();

        using var combiner = float32.CreateSession(Combiner);
        using var reference = Forward(float32);
        var referenceLogits = cases.Select(c => Logits(combiner, reference, c)).ToList();
        var referenceTokens = Generate(float32, requests);

        foreach (int edge in edges)
        {
            using var int8 = ModelPackage.Load(Package(model, edge, work));
            using var quantised = Forward(int8);
            string scheme = quantised.ModelMetadata.CustomMetadataMap.GetValueOrDefault(QuantizationKey) ?? "none";
            double error = 0, agreement = 0, divergence = 0;
            for (int i = 0; i < cases.Count; i++)
            {
                var (e, a, kl) = Compare(referenceLogits[i], Logits(combiner, quantised, cases[i]), float32.CodebookSize);
                error += e / cases.Count;
                agreement += a / cases.Count;
                divergence += kl / cases.Count;
            }
            var tokens = Generate(int8, requests);
            double same = 0, sameFirst = 0;
            for (int r = 0; r < tokens.Count; r++)
            {
                var (a, b) = (referenceTokens[r].AsSpan().ToArray(), tokens[r].AsSpan().ToArray());
                same += a.Zip(b).Count(p => p.First == p.Second) / (double)a.Length / tokens.Count;
                int q = referenceTokens[r].Codebooks;
                sameFirst += Enumerable.Range(0, a.Length / q).Count(f => a[f * q] == b[f * q]) / (double)(a.Length / q) / tokens.Count;
            }
            double ratio = TimeRatio(reference, quantised, float32);
            string how = $"{Path.GetFileName(model.TrimEnd('/'))}, {cases.Count} steps on {clips.Sum(c => c.Frames)} frames of speech; seeds {string.Join('/', Seeds)}; {Pairs} alternating forward pairs at {TimedFrames} frames";
            log($"{scheme}: logits error {error:E2}, argmax {agreement:P2}, KL {divergence:E2}, same-seed tokens {same:P1} (level 0 {sameFirst:P1}), forward {ratio:F3}× float32");
            yield return new("int8 quality", scheme, 0, "logits relative error", error, "", how);
            yield return new("int8 quality", scheme, 0, "argmax agreement", agreement * 100, "%", how);
            yield return new("int8 quality", scheme, 0, "mean KL divergence", divergence, "nats", how);
            yield return new("int8 quality", scheme, 0, "same-seed tokens equal", same * 100, "%", how);
            yield return new("int8 quality", scheme, 0, "same-seed level-0 tokens equal", sameFirst * 100, "%", how);
            yield return new("int8 quality", scheme, 0, "int8 / float32 forward time", ratio, "×", how);
        }
    }

    private sealed record SpeechClip(long[] Semantic, CodeGrid Codes, int Frames);

    private static SpeechClip Clip(ModelPackage package, string path)
    {
        var clip = AudioClip.ReadWav(path);
        using var tokenizer = new SemanticTokenizer(package);
        using var codec = new NeuralCodec(package);
        long[] semantic = tokenizer.Tokenize(clip.ToMono(tokenizer.SampleRate));
        var codes = codec.Encode(clip.ToMono(codec.SampleRate));
        int frames = Math.Min(semantic.Length, codes.Frames);
        return new(semantic[..frames], codes.Slice(0, frames), frames);
    }

    /// <summary>For each level, a fresh step (this level and the finer ones masked) and a half-revealed one.</summary>
    private static IEnumerable<(long[] Tokens, long[] Semantic, int Frames, long Level)> Steps(SpeechClip clip, ModelPackage m)
    {
        for (int level = 0; level < m.Codebooks; level++)
            for (int revealed = 0; revealed < 2; revealed++)
            {
                var tokens = new long[clip.Frames * m.Codebooks];
                for (int f = 0; f < clip.Frames; f++)
                    for (int c = 0; c < m.Codebooks; c++)
                        tokens[f * m.Codebooks + c] = c < level || (c == level && revealed == 1 && f % 2 == 0) ? clip.Codes[f, c] : m.MaskTokenId;
                yield return (tokens, clip.Semantic, clip.Frames, level);
            }
    }

    // The int8 form is written by the model writer (the exporter's quantisation pass), out of process.
    private static string Package(string model, int edges, string work) =>
        ModelWriter.Run<ModelWriter.Written>("int8-package", work, Path.GetFullPath(model), edges.ToString(System.Globalization.CultureInfo.InvariantCulture)).Path;

    private static InferenceSession Forward(ModelPackage package) =>
        package.CreateSession(Transformer, new SessionSettings { IntraOpThreads = 2 });

    private static List<CodeGrid> Generate(ModelPackage package, List<GenerationRequest> requests)
    {
        using var generator = new SoundStormGenerator(package);
        return requests.Select(r => generator.Generate(r)).ToList();
    }

    private static float[] Logits(InferenceSession combiner, InferenceSession transformer, (long[] Tokens, long[] Semantic, int Frames, long Level) step)
    {
        using var run = new RunOptions();
        int q = step.Tokens.Length / step.Frames;
        using var tokens = OrtValue.CreateTensorValueFromMemory(step.Tokens, [1, step.Frames, q]);
        using var embeddings = combiner.Run(run, [combiner.InputNames[0]], [tokens], combiner.OutputNames);
        using var semantic = OrtValue.CreateTensorValueFromMemory(step.Semantic, [1, step.Frames]);
        using var padding = OrtValue.CreateTensorValueFromMemory(new bool[step.Frames], [1, step.Frames]);
        using var level = OrtValue.CreateTensorValueFromMemory(new[] { step.Level }, [1]);
        using var outputs = transformer.Run(run, ["embeddings", "semantic", "padding_mask", "level"], [embeddings[0], semantic, padding, level], transformer.OutputNames);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>‖b − a‖ / ‖a‖, the share of rows whose argmax agrees, and the mean KL(softmax a ‖ softmax b) per row.</summary>
    private static (double Error, double Agreement, double Divergence) Compare(float[] a, float[] b, int classes)
    {
        double diff = 0, norm = 0, divergence = 0;
        for (int i = 0; i < a.Length; i++)
        {
            diff += (a[i] - (double)b[i]) * (a[i] - (double)b[i]);
            norm += a[i] * (double)a[i];
        }
        int rows = a.Length / classes, same = 0;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> ra = a.AsSpan(r * classes, classes), rb = b.AsSpan(r * classes, classes);
            if (ArgMax(ra) == ArgMax(rb)) same++;
            double la = LogSumExp(ra), lb = LogSumExp(rb);
            for (int i = 0; i < classes; i++) divergence += Math.Exp(ra[i] - la) * ((ra[i] - la) - (rb[i] - lb));
        }
        return (Math.Sqrt(diff / norm), same / (double)rows, divergence / rows);
    }

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int i = 1; i < row.Length; i++) if (row[i] > row[best]) best = i;
        return best;
    }

    private static double LogSumExp(ReadOnlySpan<float> row)
    {
        double max = row[ArgMax(row)], sum = 0;
        foreach (float v in row) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }

    private static double TimeRatio(InferenceSession float32, InferenceSession int8, ModelPackage m)
    {
        var rng = new Random(TimedFrames);
        int dim = float32.InputMetadata["embeddings"].Dimensions[^1];
        var embeddings = new float[TimedFrames * dim];
        for (int i = 0; i < embeddings.Length; i++) embeddings[i] = (float)(rng.NextDouble() * 2 - 1);
        var semantic = new long[TimedFrames];
        for (int i = 0; i < TimedFrames; i++) semantic[i] = rng.Next(m.SemanticVocabulary);
        using var e = OrtValue.CreateTensorValueFromMemory(embeddings, [1, TimedFrames, dim]);
        using var s = OrtValue.CreateTensorValueFromMemory(semantic, [1, TimedFrames]);
        using var p = OrtValue.CreateTensorValueFromMemory(new bool[TimedFrames], [1, TimedFrames]);
        using var l = OrtValue.CreateTensorValueFromMemory(new long[] { 0 }, [1]);
        double Time(InferenceSession session)
        {
            using var run = new RunOptions();
            long start = Stopwatch.GetTimestamp();
            using var outputs = session.Run(run, ["embeddings", "semantic", "padding_mask", "level"], [e, s, p, l], session.OutputNames);
            return Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        var (a, b) = AlternatingTimes.Medians(() => Time(float32), () => Time(int8), Pairs);
        return b / a;
    }
}
