using System.Runtime.CompilerServices;
using Orleans.Concurrency;
using SoundStorm.Onnx;

namespace Cluster;

/// <summary>
/// Serves <see cref="ISpeechWorker"/> on the silo that receives the call. A stateless worker: it is placed on the
/// gateway silo the client reached (no directory lookup, no second hop) and holds nothing but references to the
/// silo's shared model and admission limits. One worker per key, because the calls that fetch a stream's later
/// windows must reach the activation that holds it; how many calls run at once is the silo's
/// <see cref="WorkAdmission"/>, across all keys. Idle workers are not removed early: between two fetches of a stream
/// the worker is idle, and removing it would lose the stream; a worker whose stream is done is collected two minutes later.
/// </summary>
[StatelessWorker(1, removeIdleWorkers: false)]
[CollectionAgeLimit(Minutes = 2)]
public sealed class SpeechWorkerGrain(SiloModel model, WorkAdmission admission, ILocalSiloDetails silo) : Grain, ISpeechWorker
{
    /// <inheritdoc />
    public IAsyncEnumerable<AudioPiece> Resynthesize(ResynthesisRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Serve(async cancellationToken =>
        {
            var source = new AudioClip(request.Source, request.SourceSampleRate);
            var prompt = request.Prompt is { } p ? new AudioClip(p, request.PromptSampleRate) : null;
            return await model.Pipeline.CreateRequestAsync(source, prompt, request.Seed, cancellationToken);
        });
    }

    /// <inheritdoc />
    public IAsyncEnumerable<AudioPiece> Generate(TokenRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Serve(_ => Task.FromResult(TokenRequests.ToGenerationRequest(request)));
    }

    // Admission first, so a refused call costs the silo nothing; then the request (tokenizing, for audio) and the
    // windows, each sent as soon as it is decoded.
    private async IAsyncEnumerable<AudioPiece> Serve(Func<CancellationToken, Task<GenerationRequest>> prepare,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var slot = await admission.EnterAsync(cancellationToken);
        var request = await prepare(cancellationToken);
        string name = silo.SiloAddress.Endpoint.ToString();
        int index = 0;
        await foreach (var clip in model.Pipeline.GenerateStreamingAsync(request, cancellationToken))
            yield return new AudioPiece { Index = index++, Samples = clip.ToMono(), SampleRate = clip.SampleRate, Silo = name };
    }
}
