namespace SoundStorm.Benchmarks.Scenarios.LongInput;

/// <summary>
/// Settings of the long-input scenarios (<c>scenarios --long-input SPEECH.wav</c>): a long recording of speech that the
/// scenarios cut to each length, the voice prompt, the model package, and the built <c>soundstorm</c> tool that the
/// memory scenario runs as a child process (so each length's peak resident set is its own process's).
/// </summary>
internal sealed record LongInputSettings(string Speech, string Prompt, string Model, string Cli, IReadOnlyList<double> Lengths,
    IReadOnlySet<string> Parts, string WorkDirectory, Action<string> Log)
{
    /// <summary>The parts, in the order they run.</summary>
    public static readonly string[] AllParts = ["agreement", "memory", "streaming"];
}
