using SoundStorm.Onnx;

namespace Cluster;

/// <summary>What became of one input file.</summary>
/// <param name="Input">The input's path.</param>
/// <param name="Written">True when this run wrote its output.</param>
/// <param name="Silo">The silo whose output was written (empty when none was).</param>
/// <param name="Attempts">Calls made for it.</param>
/// <param name="Error">Why it failed, or null.</param>
/// <param name="Retried">Why earlier attempts failed (exception type names), in order.</param>
public sealed record FileOutcome(string Input, bool Written, string Silo, int Attempts, string? Error, IReadOnlyList<string> Retried);

/// <summary>
/// Sends every WAV file of a folder through the cluster, <c>parallel</c> at a time, and writes each output with
/// <see cref="OutputFolder"/>: files whose output exists are skipped, so a stopped run resumes where it stopped.
/// </summary>
public sealed class FolderSender(RetryingSpeechClient client, OutputFolder output)
{
    /// <summary>The input folder's WAV files, in name order, whose output is not there yet.</summary>
    public IReadOnlyList<string> Pending(string inputFolder) =>
        [.. Directory.EnumerateFiles(inputFolder, "*.wav").Order(StringComparer.Ordinal).Where(f => !output.HasOutputOf(f))];

    /// <summary>Resynthesizes <paramref name="inputs"/>; <paramref name="done"/> hears of each file as it finishes.</summary>
    /// <param name="inputs">WAV files (see <see cref="Pending"/>).</param>
    /// <param name="prompt">The voice for every file, or null for the model's choice.</param>
    /// <param name="seed">The run's seed; each file's own comes from <see cref="FileSeeds"/>.</param>
    /// <param name="parallel">Files in flight at once.</param>
    /// <param name="done">Called once per file, from any thread.</param>
    /// <param name="cancellationToken">Stops sending; files in flight are not written.</param>
    public async Task<IReadOnlyList<FileOutcome>> SendAsync(IReadOnlyList<string> inputs, AudioClip? prompt, ulong seed, int parallel,
        Action<FileOutcome> done, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parallel, 1);
        var outcomes = new FileOutcome[inputs.Count];
        float[]? promptSamples = prompt?.ToMono();
        await Parallel.ForAsync(0, inputs.Count, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                outcomes[i] = await SendOneAsync(inputs[i], promptSamples, prompt?.SampleRate ?? 0, seed, ct).ConfigureAwait(false);
                done(outcomes[i]);
            }).ConfigureAwait(false);
        return outcomes;
    }

    private async Task<FileOutcome> SendOneAsync(string input, float[]? prompt, int promptRate, ulong seed, CancellationToken cancellationToken)
    {
        AudioClip source;
        try
        {
            source = AudioClip.ReadWav(input);
        }
        catch (Exception e) when (e is AudioFormatException or IOException)
        {
            return new FileOutcome(input, false, "", 0, e.Message, []);
        }
        var request = new ResynthesisRequest
        {
            Source = source.ToMono(), SourceSampleRate = source.SampleRate,
            Prompt = prompt, PromptSampleRate = promptRate,
            Seed = FileSeeds.For(seed, Path.GetFileName(input)),
        };
        try
        {
            var result = await client.ResynthesizeAsync(request, cancellationToken).ConfigureAwait(false);
            bool written = output.Write(input, new AudioClip(result.Samples, result.SampleRate));
            // Not written: another run wrote it while this call was in flight; its complete file is kept.
            return new FileOutcome(input, written, result.Silo, result.Attempts, null, result.Failures);
        }
        catch (Exception e) when (e is ArgumentException or ClusterCallFailedException)
        {
            return new FileOutcome(input, false, "", e is ClusterCallFailedException f ? f.Attempts : 1, e.Message, []);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Anything else (a fault on the silo, say) fails this file only; the rest of the folder goes on.
            return new FileOutcome(input, false, "", 1, $"{e.GetType().Name}: {e.Message}", []);
        }
    }
}
