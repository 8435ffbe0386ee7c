using System.CommandLine;
using System.Globalization;
using SoundStorm.Onnx.Generation;

namespace SoundStorm.Cli;

/// <summary>
/// The sampling flags shared by <c>generate</c> and <c>resynthesize</c> (<c>--steps</c>, <c>--temperature</c>,
/// <c>--top-k</c>, <c>--top-p</c>, <c>--confidence-noise</c>, <c>--sample-finer-levels</c>), checked here so an error
/// names the flag rather than the <see cref="GenerationOptions"/> property.
/// </summary>
internal sealed class SamplingFlags
{
    private readonly Option<string?> _steps = new("--steps") { Description = "MaskGIT iterations per level, comma-separated (default 16,1,1,...)." };
    private readonly Option<float?> _temperature = new("--temperature") { Description = "Sampling temperature (0 = argmax; default 1)." };
    private readonly Option<int?> _topK = new("--top-k") { Description = "Sample among the k most likely tokens only (0 = off, the default)." };
    private readonly Option<float?> _topP = new("--top-p") { Description = "Nucleus sampling mass in (0, 1] (1 = off, the default)." };
    private readonly Option<float?> _confidenceNoise = new("--confidence-noise") { Description = "Gumbel noise on the confidence that picks which tokens to keep (0 = none; default 1)." };
    private readonly Option<bool> _sampleFiner = new("--sample-finer-levels") { Description = "Sample the finer levels too instead of taking their argmax (the paper's choice)." };

    /// <summary>The flags, to add to a command.</summary>
    public IEnumerable<Option> All => [_steps, _temperature, _topK, _topP, _confidenceNoise, _sampleFiner];

    /// <summary>Copies the flags that were given onto <paramref name="options"/>.</summary>
    /// <exception cref="CliException">A flag's value is out of range.</exception>
    public void Apply(ParseResult result, GenerationOptions options)
    {
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
