namespace SoundStorm.Benchmarks.Models;

/// <summary>
/// A benchmark model's shape as the model writer reports it (<c>shape MODEL</c>): what the scenarios size their inputs
/// and their roofline counts by. The seed shapes fill only the numbers their family has.
/// </summary>
internal sealed record ModelShape(int Dim, int Layers, int Heads, int FeedForward, int Codebooks, int CodebookSize,
    int SemanticVocab, int ConvKernel, string Combiner, long Parameters);
