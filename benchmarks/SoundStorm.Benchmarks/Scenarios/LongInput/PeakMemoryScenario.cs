using System.Diagnostics;
using System.Globalization;
using SoundStorm.Onnx;

namespace SoundStorm.Benchmarks.Scenarios.LongInput;

/// <summary>
/// <c>soundstorm resynthesize</c> on speech of each length, one child process per length: its peak resident set
/// (the kernel's maximum RSS, read by <c>/usr/bin/time</c>), wall time and CPU time (user + system: less sensitive than
/// wall time to other work on a shared machine), and each against the shortest length.
/// </summary>
internal static class PeakMemoryScenario
{
    private const string Time = "/usr/bin/time";

    public static IEnumerable<ScenarioResult> Run(LongInputSettings s)
    {
        if (!File.Exists(Time)) throw new InvalidOperationException($"{Time} is needed to read a child's peak resident set (apt-get install time).");
        var speech = AudioClip.ReadWav(s.Speech);
        float[] samples = speech.ToMono();
        double baseRss = 0, basePerSecond = 0, baseCpuPerSecond = 0;
        foreach (double seconds in s.Lengths)
        {
            int count = (int)(seconds * speech.SampleRate);
            if (count > samples.Length)
            {
                s.Log($"skipping {seconds} s: the speech file holds {samples.Length / (double)speech.SampleRate:0} s");
                continue;
            }
            string source = Path.Combine(s.WorkDirectory, $"source-{seconds}.wav"), output = Path.Combine(s.WorkDirectory, $"out-{seconds}.wav");
            new AudioClip(samples[..count], speech.SampleRate).WriteWav(source);
            var (rssBytes, wall, cpu) = Measure(s, source, output);
            File.Delete(source);
            File.Delete(output);
            double rss = rssBytes / 1e6, perSecond = wall / seconds, cpuPerSecond = cpu / seconds;
            if (baseRss == 0) (baseRss, basePerSecond, baseCpuPerSecond) = (rss, perSecond, cpuPerSecond);
            string note = $"soundstorm resynthesize as a child process, {Path.GetFileName(s.Prompt)} as prompt";
            yield return new("long input", "default", seconds, "peak resident set", rss, "MB", note);
            yield return new("long input", "default", seconds, "peak resident set vs shortest", rss / baseRss, "×", $"shortest: {s.Lengths[0]} s");
            yield return new("long input", "default", seconds, "wall time", wall, "s", note);
            yield return new("long input", "default", seconds, "wall time per second of audio", perSecond, "s/s", "");
            yield return new("long input", "default", seconds, "wall time per second vs shortest", perSecond / basePerSecond, "×", $"shortest: {s.Lengths[0]} s");
            yield return new("long input", "default", seconds, "CPU time per second of audio", cpuPerSecond, "s/s", "user + system");
            yield return new("long input", "default", seconds, "CPU time per second vs shortest", cpuPerSecond / baseCpuPerSecond, "×", $"shortest: {s.Lengths[0]} s");
        }
    }

    private static (long RssBytes, double WallSeconds, double CpuSeconds) Measure(LongInputSettings s, string source, string output)
    {
        string report = Path.Combine(s.WorkDirectory, "time.txt");
        var start = new ProcessStartInfo(Time) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { "-f", "%M %e %U %S", "-o", report, "dotnet", s.Cli, "resynthesize", "--source", source, "--prompt", s.Prompt, "--out", output, "--model", s.Model })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        string stdout = process.StandardOutput.ReadToEnd(), stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"resynthesize failed ({process.ExitCode}): {stderr}{stdout}");
        string[] fields = File.ReadAllLines(report).Last().Split(' ');
        double Field(int i) => double.Parse(fields[i], CultureInfo.InvariantCulture);
        return (long.Parse(fields[0], CultureInfo.InvariantCulture) * 1024, Field(1), Field(2) + Field(3));
    }
}
