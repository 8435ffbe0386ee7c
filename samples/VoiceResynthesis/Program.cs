namespace VoiceResynthesis;

/// <summary>
/// Says what one recording says in the voice of another, through the package API:
/// <c>VoiceResynthesis SOURCE.wav PROMPT.wav OUT.wav [PACKAGE]</c> (the package: a folder or .zip, as the fourth
/// argument or in SOUNDSTORM_MODEL; from a checkout, models/default otherwise). Exit codes: 0 done, 2 bad input, 130 cancelled with Ctrl+C.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true; // let the run stop at its next step and clean up
            cancel.Cancel();
        };
        return await ResynthesisCommand.RunAsync(args, SoundStorm.Samples.DefaultPackage.Find(), Console.Out, Console.Error, cancel.Token);
    }
}
