using System.CommandLine;
using System.Globalization;

namespace SoundStorm.Trainer.Cli;

/// <summary>The <c>--minutes</c> option the training verbs share: a wall-time limit after which a run stops with a checkpoint.</summary>
internal static class TimeLimitOption
{
    /// <summary>A new option (absent = no limit).</summary>
    public static Option<double?> Create() => new("--minutes")
    {
        Description = "Stop (with a checkpoint) after the step during which this much wall time has passed; resume later.",
    };

    /// <summary>The parsed limit, or null when the option was not given.</summary>
    /// <exception cref="ArgumentException">The value is not a positive, finite number of minutes.</exception>
    public static TimeSpan? Read(ParseResult result, Option<double?> option) => result.GetValue(option) switch
    {
        null => null,
        double m when m > 0 && double.IsFinite(m) => TimeSpan.FromMinutes(m),
        double m => throw new ArgumentException($"--minutes must be a positive number of minutes (found {m.ToString(CultureInfo.InvariantCulture)}).", option.Name),
    };
}
