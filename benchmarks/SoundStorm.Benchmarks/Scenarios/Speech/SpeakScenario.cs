using System.Diagnostics;
using SoundStorm.Onnx;

namespace SoundStorm.Benchmarks.Scenarios.Speech;

/// <summary>
/// Text to speech with a package's text_to_semantic graph (<c>scenarios --speak</c>): <c>SpeakAsync</c> on a text
/// that comes out at about 10 s of speech, in a prompt's voice; the real-time factor (wall time / seconds of audio,
/// median of the timed runs after one warm-up), the share of it that resynthesising the same length of speech takes
/// (tokenizer + acoustic model + codec, without the text model), and the first sentence's arrival with
/// <c>SpeakStreamingAsync</c>. Everything runs in this process, one after the other, on the same warm pipeline.
/// </summary>
internal static class SpeakScenario
{
    /// <summary>Four sentences of ordinary English that the default model speaks in about 10 s.</summary>
    public const string Text = "Please leave a message after the tone. When you are finished, you may hang up or press the pound key for more options. " +
        "Your call is important to us. Thank you for calling, and have a nice day.";

    private const int TimedRuns = 3;

    public static IEnumerable<ScenarioResult> Run(string model, string promptPath, Action<string> log)
    {
        var prompt = AudioClip.ReadWav(promptPath);
        using var pipeline = SoundStormPipeline.Load(model);
        if (!pipeline.CanSpeak) throw new ArgumentException($"{model}: the package has no text_to_semantic graph, so it cannot speak.");
        var spoken = pipeline.SpeakAsync(Text, prompt).GetAwaiter().GetResult(); // warm-up: sessions, allocations, lexicon
        double audio = spoken.Duration.TotalSeconds;
        log($"speak: {audio:F1} s of audio from {Text.Length} characters");
        double speak = Median(() => pipeline.SpeakAsync(Text, prompt).GetAwaiter().GetResult());
        double resynthesis = Median(() => pipeline.ResynthesizeAsync(spoken, prompt).GetAwaiter().GetResult());
        double firstSentence = Median(() => FirstPiece(pipeline, prompt));
        string note = $"median of {TimedRuns} after a warm-up; {Environment.ProcessorCount} cores";
        yield return new("speak", "default", audio, "speak wall time", speak, "s", note);
        yield return new("speak", "default", audio, "real-time factor of speak", speak / audio, "×", "wall / audio seconds; < 1 is faster than real time");
        yield return new("speak", "default", audio, "resynthesize the same audio", resynthesis, "s", note);
        yield return new("speak", "default", audio, "speak / resynthesize", speak / resynthesis, "×", "the text model's share shows as the excess over 1");
        yield return new("speak", "default", audio, "first sentence (streaming)", firstSentence, "s", "SpeakStreamingAsync, time to the first piece");
    }

    private static double Median(Action run)
    {
        var times = new double[TimedRuns];
        for (int i = 0; i < TimedRuns; i++)
        {
            var clock = Stopwatch.StartNew();
            run();
            times[i] = clock.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return times[TimedRuns / 2];
    }

    private static void FirstPiece(SoundStormPipeline pipeline, AudioClip prompt)
    {
        var pieces = pipeline.SpeakStreamingAsync(Text, prompt).GetAsyncEnumerator();
        try
        {
            if (!pieces.MoveNextAsync().AsTask().GetAwaiter().GetResult()) throw new InvalidOperationException("SpeakStreamingAsync yielded nothing.");
        }
        finally
        {
            pieces.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
