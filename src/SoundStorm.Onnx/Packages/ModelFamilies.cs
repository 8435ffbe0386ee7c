namespace SoundStorm.Onnx.Packages;

/// <summary>Values of <see cref="ModelManifest.ModelFamily"/>: which sampling strategy the transformer was trained for.</summary>
public static class ModelFamilies
{
    /// <summary>SoundStorm's level-wise MaskGIT (the transformer takes a <c>level</c> input).</summary>
    public const string MaskGit = "maskgit";

    /// <summary>The seed implementation's discrete diffusion over all codebooks at once (the transformer takes a <c>step</c> input).</summary>
    public const string SeedDiffusion = "seed-diffusion";
}
