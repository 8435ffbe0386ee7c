using SoundStorm.Benchmarks.Models;
using SoundStorm.Onnx;

namespace SoundStorm.Benchmarks.Scenarios;

/// <summary>Generation requests of random tokens shaped for a benchmark model, the same for the same frame count.</summary>
internal static class RandomRequests
{
    /// <summary>A prompt of <paramref name="promptFrames"/> frames (codes and semantic tokens) and <paramref name="frames"/> to generate.</summary>
    public static GenerationRequest WithPrompt(BenchmarkModel model, int promptFrames, int frames)
    {
        var rng = new Random(frames);
        var c = model.Config;
        long[] Semantic(int n) => [.. Enumerable.Range(0, n).Select(_ => (long)rng.Next(c.SemanticVocab))];
        var prompt = new CodeGrid(promptFrames, c.Codebooks);
        for (int f = 0; f < promptFrames; f++)
            for (int q = 0; q < c.Codebooks; q++) prompt[f, q] = rng.Next(c.CodebookSize);
        return new GenerationRequest(Semantic(frames), prompt, Semantic(promptFrames));
    }
}
