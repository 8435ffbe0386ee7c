using System.Diagnostics;
using SoundStorm.Onnx;

namespace SoundStorm.Benchmarks.Scenarios.LongInput;

/// <summary>
/// Chunked against one-pass results on real speech, to choose and check the chunk sizes: semantic tokens for several
/// (kept, context) sizes — agreement, and how disagreements sit relative to the seams — and the codec decoder (largest
/// sample difference) and encoder (codes that agree).
/// </summary>
internal static class ChunkingAgreementScenario
{
    private const int Pieces = 3, NearSeamFrames = 50;
    private static readonly int[] PieceLengths = [60, 120];
    private static readonly (int Core, int Context)[] OtherCandidates = [(500, 100), (1000, 150), (1000, 500)];

    public static IEnumerable<ScenarioResult> Run(LongInputSettings s)
    {
        using var package = ModelPackage.Load(s.Model);
        var speech = AudioClip.ReadWav(s.Speech).ToMono();
        foreach (int seconds in PieceLengths)
        {
            var pieces = Enumerable.Range(0, Pieces).Select(i => speech.AsSpan(i * (speech.Length - seconds * 16000) / Pieces, seconds * 16000).ToArray()).ToArray();
            foreach (var row in Tokenizer(package, pieces, seconds)) yield return row;
            if (seconds == PieceLengths[^1])
                foreach (var row in Codec(package, pieces, seconds)) yield return row;
        }
    }

    private static IEnumerable<ScenarioResult> Tokenizer(ModelPackage package, float[][] pieces, int pieceSeconds)
    {
        string where = $"{Pieces} pieces of {pieceSeconds} s of speech, chunked vs one pass";

        using (var tokenizer = new SemanticTokenizer(package))
        {
            // The package's own sizes first (the context follows the graph's attention span), then the alternatives.
            var candidates = OtherCandidates.Prepend((tokenizer.ChunkFrames, tokenizer.ContextFrames)).Distinct().ToArray();
            tokenizer.ChunkFrames = int.MaxValue / 4;
            var onePass = pieces.Select(p => tokenizer.Tokenize(p)).ToArray();
            // What one pass itself gives for the same frames when the input is half as long: with global attention (and a
            // GroupNorm over its own input) tokens depend on the input's length; the figure to read chunking against.
            int same = 0, compared = 0;
            foreach (var (piece, whole) in pieces.Zip(onePass))
            {
                long[] half = tokenizer.Tokenize(piece.AsSpan(0, piece.Length / 2));
                for (int f = 0; f < half.Length; f++) { compared++; same += half[f] == whole[f] ? 1 : 0; }
            }
            yield return new("chunking", "tokenizer, one pass", pieceSeconds, "first half's tokens alone vs within the whole", 100.0 * same / compared, "%", where);
            foreach (var (core, context) in candidates)
            {
                tokenizer.ChunkFrames = core;
                tokenizer.ContextFrames = context;
                int frames = 0, differ = 0, nearSeam = 0, differNearSeam = 0;
                var clock = Stopwatch.StartNew();
                for (int p = 0; p < pieces.Length; p++)
                {
                    long[] chunked = tokenizer.Tokenize(pieces[p]);
                    for (int f = 0; f < chunked.Length; f++)
                    {
                        int seamDistance = Math.Min(f % core, core - f % core);
                        bool near = f >= core && seamDistance <= NearSeamFrames;
                        frames++;
                        nearSeam += near ? 1 : 0;
                        if (chunked[f] == onePass[p][f]) continue;
                        differ++;
                        differNearSeam += near ? 1 : 0;
                    }
                }
                string name = $"tokenizer {core}+2×{context} frames";
                yield return new("chunking", name, pieceSeconds, "tokens agreeing with one pass", 100.0 * (frames - differ) / frames, "%", where);
                yield return new("chunking", name, pieceSeconds, $"disagreements within {NearSeamFrames} frames of a seam", differ == 0 ? 0 : 100.0 * differNearSeam / differ, "%",
                    $"{100.0 * nearSeam / frames:0.#} % of frames lie that near a seam");
                yield return new("chunking", name, pieceSeconds, "tokenizer time", clock.Elapsed.TotalSeconds / Pieces, "s", $"per {pieceSeconds} s piece");
            }
        }
    }

    // The decoder with small chunks (many seams), the encoder with the shipped 30 s chunks.
    private static IEnumerable<ScenarioResult> Codec(ModelPackage package, float[][] pieces, int pieceSeconds)
    {
        string where = $"{Pieces} pieces of {pieceSeconds} s of speech, chunked vs one pass";
        using var codec = new NeuralCodec(package);
        int shippedChunk = codec.ChunkFrames;
        codec.ChunkFrames = int.MaxValue / 4;
        var codes = pieces.Select(p => codec.Encode(p)).ToArray();
        var decoded = codes.Select(c => codec.Decode(c)).ToArray();
        codec.ChunkFrames = 250;
        double maxDifference = 0;
        int equal = 0, total = 0;
        for (int p = 0; p < pieces.Length; p++)
        {
            float[] stitched = codec.Decode(codes[p]);
            for (int i = 0; i < stitched.Length; i++) maxDifference = Math.Max(maxDifference, Math.Abs(stitched[i] - decoded[p][i]));
            codec.ChunkFrames = shippedChunk;
            CodeGrid chunkedCodes = codec.Encode(pieces[p]);
            codec.ChunkFrames = 250;
            foreach (var (a, b) in chunkedCodes.AsSpan().ToArray().Zip(codes[p].AsSpan().ToArray())) { total++; equal += a == b ? 1 : 0; }
        }
        yield return new("chunking", $"decoder 250+2×{codec.ContextFrames} frames", pieceSeconds, "largest sample difference from one pass", maxDifference, "", where);
        yield return new("chunking", $"encoder {shippedChunk}+2×{codec.ContextFrames} frames", pieceSeconds, "codes agreeing with one pass", 100.0 * equal / total, "%",
            where + "; the encoder's GroupNorm takes statistics over its whole input");
    }
}
