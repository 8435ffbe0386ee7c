namespace SoundStorm.Onnx.Generation;

/// <summary>The token ranges a model works with.</summary>
/// <param name="Codebooks">Q, codebooks per frame.</param>
/// <param name="CodebookSize">V, codes per codebook (valid acoustic ids 0..V−1).</param>
/// <param name="SemanticVocabulary">K, valid semantic ids 0..K−1.</param>
/// <param name="MaskTokenId">The id that marks an unknown acoustic token in the grid the network reads.</param>
internal readonly record struct TokenVocabulary(int Codebooks, int CodebookSize, int SemanticVocabulary, long MaskTokenId);
