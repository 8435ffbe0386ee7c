using System.Diagnostics;
using SoundStorm.Onnx;

namespace SoundStorm.Benchmarks.Scenarios.LongInput;

/// <summary>
/// <c>ResynthesizeStreamingAsync</c> on the longest length of at most 10 minutes: the time from the call to the first
/// piece of audio, against the time each later window takes (one window's work); stopped after a few windows.
/// </summary>
internal static class StreamingLatencyScenario
{
    private const int WindowsTimed = 3;

    public static IEnumerable<ScenarioResult> Run(LongInputSettings s)
    {
        var speech = AudioClip.ReadWav(s.Speech);
        double seconds = Math.Min(600, speech.Duration.TotalSeconds);
        var source = new AudioClip(speech.ToMono()[..(int)(seconds * speech.SampleRate)], speech.SampleRate);
        var prompt = AudioClip.ReadWav(s.Prompt);
        using var pipeline = SoundStormPipeline.Load(s.Model);
        var (first, windows) = Time(pipeline, source, prompt).GetAwaiter().GetResult();
        string note = $"{WindowsTimed} windows timed, then stopped";
        yield return new("streaming", "default", seconds, "time to the first audio", first, "s", note);
        yield return new("streaming", "default", seconds, "one window's work (mean of the next windows)", windows, "s", note);
        yield return new("streaming", "default", seconds, "first audio / one window's work", first / windows, "×", "");
    }

    private static async Task<(double First, double Window)> Time(SoundStormPipeline pipeline, AudioClip source, AudioClip prompt)
    {
        var clock = Stopwatch.StartNew();
        var arrivals = new List<double>();
        using var stop = new CancellationTokenSource();
        await foreach (var _ in pipeline.ResynthesizeStreamingAsync(source, prompt, cancellationToken: stop.Token))
        {
            arrivals.Add(clock.Elapsed.TotalSeconds);
            if (arrivals.Count > WindowsTimed) break;
        }
        return (arrivals[0], (arrivals[^1] - arrivals[0]) / (arrivals.Count - 1));
    }
}
