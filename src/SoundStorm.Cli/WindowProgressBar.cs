using SoundStorm.Onnx;
using Spectre.Console;

namespace SoundStorm.Cli;

/// <summary>
/// The progress bar of the generating verbs: the whole input's fraction done, which window of how many (long inputs
/// are generated window by window), time elapsed and time remaining. Cleared when done.
/// </summary>
internal static class WindowProgressBar
{
    public static Task RunAsync(string what, Func<IProgress<GenerationProgress>, Task> work) =>
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(what, maxValue: 1);
                // Reported from the generating thread; Spectre's task is thread-safe and the bar redraws on its own timer.
                await work(new Reporter(task, what)).ConfigureAwait(false);
            });

    private sealed class Reporter(ProgressTask task, string what) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value)
        {
            task.Value = value.OverallFraction;
            if (value.Windows > 1) task.Description = $"{what}, window {value.Window + 1}/{value.Windows}";
        }
    }
}
