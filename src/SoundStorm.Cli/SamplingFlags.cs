using System.CommandLine;
using System.Globalization;
using SoundStorm.Onnx;
using SoundStorm.Export.Packaging;

namespace SoundStorm.Cli;

/// <summary>
/// The sampling flags shared by <c>generate</c> and <c>resynthesize</c>, checked here so an error names the flag rather
/// than the <see cref="GenerationOptions"/> property: MaskGIT's (<c>--steps</c>, <c>--temperature</c>, <c>--top-k</c>,
/// <c>--top-p</c>, <c>--confidence-noise</c>, <c>--sample-finer-levels</c>) and the seed-diffusion family's
/// (<c>--skip-steps</c>, <c>--top-r</c>, <c>--purity-weight</c>), which a package of the paper's family refuses.
/// </summary>
internal sealed class SamplingFlags
{
    private readonly Option<string?> _steps = new("--steps") { Description = "MaskGIT iterations per level, comma-separated (default 16,1,1,...)." };
    private readonly Option<float?> _temperature = new("--temperature") { Description = "Sampling temperature (0 = argmax; default 1)." };
    private readonly Option<int?> _topK = new("--top-k") { Description = "Sample among the k most likely tokens only (0 = off, the default)." };
    private readonly Option<float?> _topP = new("--top-p") { Description = "Nucleus sampling mass in (0, 1] (1 = off, the default)." };
    private readonly Option<float?> _confidenceNoise = new("--confidence-noise") { Description = "Gumbel noise on the confidence that picks which tokens to keep (0 = none; default 1)." };
    private readonly Option<bool> _sampleFiner = new("--sample-finer-levels") { Description = "Sample the finer levels too instead of taking their argmax (the paper's choice)." };
    private readonly Option<int?> _skipSteps = new("--skip-steps") { Description = "Seed-diffusion packages: 0 = the purity-prior sampler over all 100 steps (default); K in 1..98 = the fast skip-step sampler (K = 1: 51 graph calls, K = 4: 21)." };
    private readonly Option<float?> _topR = new("--top-r") { Description = "Seed-diffusion packages: top-r truncation, keep classes while the mass above them is below r, in (0, 1] (default 0.85)." };
    private readonly Option<float?> _purityWeight = new("--purity-weight") { Description = "Seed-diffusion packages: how strongly purity sharpens the distribution a revealed token is drawn from, ≥ 0 (default 2)." };

    /// <summary>The flags, to add to a command.</summary>
    public IEnumerable<Option> All => [_steps, _temperature, _topK, _topP, _confidenceNoise, _sampleFiner, _skipSteps, _topR, _purityWeight];

    /// <summary>Copies the flags that were given onto <paramref name="options"/> (before the model loads, so a typo fails fast).</summary>
    /// <exception cref="CliException">A flag's value is out of range.</exception>
    public void Apply(ParseResult result, GenerationOptions options)
    {
        ApplySeedFamily(result, options);
        if (result.GetValue(_steps) is { } steps) options.IterationsPerLevel = ParseSteps(steps);
        if (result.GetValue(_temperature) is float t)
            options.Temperature = t >= 0 && float.IsFinite(t) ? t : throw new CliException($"--temperature {Show(t)}: expected a finite number ≥ 0.");
        if (result.GetValue(_topK) is int k)
            options.TopK = k >= 0 ? k : throw new CliException($"--top-k {k}: expected 0 (off) or a positive count.");
        if (result.GetValue(_topP) is float p)
            options.TopP = p > 0 && p <= 1 ? p : throw new CliException($"--top-p {Show(p)}: expected a number in (0, 1].");
        if (result.GetValue(_confidenceNoise) is float noise)
            options.ConfidenceNoise = noise >= 0 && float.IsFinite(noise) ? noise : throw new CliException($"--confidence-noise {Show(noise)}: expected a finite number ≥ 0.");
        if (result.GetValue(_sampleFiner)) options.GreedyFinerLevels = false;
    }

    /// <summary>Refuses the seed-diffusion sampler's flags for a package of another family, where they would silently do nothing.</summary>
    /// <exception cref="CliException">A seed-diffusion flag was given and <paramref name="modelFamily"/> is not that family.</exception>
    public void RequireFamily(ParseResult result, string modelFamily)
    {
        var given = new Option[] { _skipSteps, _topR, _purityWeight }.Where(o => result.GetResult(o) is not null).Select(o => o.Name).ToArray();
        if (given.Length > 0 && modelFamily != ModelFamilies.SeedDiffusion)
            throw new CliException($"{string.Join(", ", given)}: flags of the {ModelFamilies.SeedDiffusion} sampler, but the package is of the '{modelFamily}' family (its sampler takes --steps, --temperature, --top-k, --top-p, --confidence-noise, --sample-finer-levels).");
    }

    private void ApplySeedFamily(ParseResult result, GenerationOptions options)
    {
        if (result.GetValue(_skipSteps) is int skip)
            options.DiffusionSkipSteps = skip is >= 0 and <= 98 ? skip : throw new CliException($"--skip-steps {skip}: expected 0 (purity-prior sampler) or a step count in 1..98.");
        if (result.GetValue(_topR) is float r)
            options.DiffusionTruncation = r > 0 && r <= 1 ? r : throw new CliException($"--top-r {Show(r)}: expected a number in (0, 1].");
        if (result.GetValue(_purityWeight) is float w)
            options.PurityPriorWeight = w >= 0 && float.IsFinite(w) ? w : throw new CliException($"--purity-weight {Show(w)}: expected a finite number ≥ 0.");
    }

    /// <summary>Parses <c>16,1,1</c> into iterations per level.</summary>
    internal static int[] ParseSteps(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var steps = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out steps[i]) || steps[i] <= 0)
                throw new CliException($"--steps '{text}': entry {i + 1} ('{parts[i]}') is not a positive integer.");
        return steps;
    }

    private static string Show(float value) => value.ToString(CultureInfo.InvariantCulture);
}
