using Cluster;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace SoundStorm.Cluster.Tests;

/// <summary>
/// The grain in a three-silo TestCluster: outputs equal the single-process pipeline's for the same requests and seeds,
/// long inputs stream back in several pieces, full silos refuse with a typed error that the client retries, and
/// unusable input fails at once with the library's own error.
/// </summary>
public sealed class InProcessClusterTests(InProcessClusterFixture fixture) : IClassFixture<InProcessClusterFixture>
{
    private readonly RetryingSpeechClient _client = new(fixture.Cluster.Client);

    [Fact]
    public async Task Outputs_equal_the_single_process_pipeline_for_the_same_requests_and_seeds()
    {
        using var local = SoundStormPipeline.Load(TestAudio.Package, InProcessClusterFixture.Options());
        var voice = TestAudio.Voice;
        var calls = new List<(Task<CallResult> Cluster, Func<Task<float[]>> Local)>();
        for (int i = 0; i < 9; i++)
        {
            var source = TestAudio.Piece(i);
            var prompt = i % 2 == 0 ? voice : null;
            ulong seed = 100 + (ulong)i;
            calls.Add((_client.ResynthesizeAsync(Request(source, prompt, seed)),
                async () => await Collect(local.GenerateStreamingAsync(await local.CreateRequestAsync(source, prompt, seed)))));
        }
        // Token requests, as a text-to-semantic front end would send them.
        var tokens = await local.CreateRequestAsync(TestAudio.Piece(1), voice, seed: 7);
        calls.Add((_client.GenerateAsync(TokenRequests.FromGenerationRequest(tokens)), () => Collect(local.GenerateStreamingAsync(tokens))));

        var results = await Task.WhenAll(calls.Select(c => c.Cluster));
        for (int i = 0; i < calls.Count; i++)
        {
            float[] expected = await calls[i].Local();
            Assert.True(expected.Length > 0);
            Assert.Equal(expected, results[i].Samples);
            Assert.Equal(16000, results[i].SampleRate);
        }
        // Fresh keys spread the calls: more than one silo answered.
        Assert.True(results.Select(r => r.Silo).Distinct().Count() >= 2, $"every call went to {results[0].Silo}");
    }

    [Fact]
    public async Task A_long_input_streams_back_window_by_window()
    {
        var worker = fixture.Cluster.Client.GetGrain<ISpeechWorker>(Guid.NewGuid());
        var pieces = new List<AudioPiece>();
        await foreach (var piece in worker.Resynthesize(Request(TestAudio.Speech, null, 5))) pieces.Add(piece);

        // 3.3 s of speech in 1 s windows (0.3 s carried over): at least four windows, in order, from one silo.
        Assert.True(pieces.Count >= 4, $"{pieces.Count} pieces");
        Assert.Equal(Enumerable.Range(0, pieces.Count), pieces.Select(p => p.Index));
        Assert.Single(pieces.Select(p => p.Silo).Distinct());
        int frames = (TestAudio.Speech.FrameCount - 400) / 320 + 1;
        Assert.Equal(frames * 320, pieces.Sum(p => p.Samples.Length));
    }

    [Fact]
    public async Task Full_silos_refuse_with_a_typed_error_and_the_client_retries_until_one_has_room()
    {
        var admissions = fixture.Cluster.Silos.Select(s => ((InProcessSiloHandle)s).SiloHost.Services.GetRequiredService<WorkAdmission>()).ToList();
        var held = new List<IDisposable>();
        var queued = new List<Task<IDisposable>>();
        foreach (var admission in admissions)
        {
            held.Add(await admission.EnterAsync());
            queued.Add(admission.EnterAsync()); // waits in the queue, which is now full
        }
        try
        {
            var refused = await Assert.ThrowsAsync<SiloBusyException>(async () =>
            {
                await foreach (var _ in fixture.Cluster.Client.GetGrain<ISpeechWorker>(Guid.NewGuid()).Resynthesize(Request(TestAudio.Piece(0), null, 1))) { }
            });
            Assert.Matches(@"^silo 127\.0\.0\.1:\d+ is busy: its 1 running slot\(s\) are taken and its queue of 1 is full; send the call to another silo\.$", refused.Message);
            Assert.Equal((1, 1), (refused.Running, refused.QueueLimit));

            // The retrying client keeps trying while every silo is full and succeeds once one has room.
            long refusedBefore = admissions.Sum(a => a.Refused);
            var call = _client.ResynthesizeAsync(Request(TestAudio.Piece(0), null, 1));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (admissions.Sum(a => a.Refused) < refusedBefore + 2 && DateTime.UtcNow < deadline) await Task.Delay(20);
            Assert.True(admissions.Sum(a => a.Refused) >= refusedBefore + 2, "the client did not try twice while every silo was full");
            Assert.False(call.IsCompleted);
            held[0].Dispose();
            (await queued[0]).Dispose();
            var result = await call.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(result.Attempts > 1, $"{result.Attempts} attempt(s)");
            Assert.Equal(((16000 - 400) / 320 + 1) * 320, result.Samples.Length); // one second: 49 frames
        }
        finally
        {
            foreach (var slot in held) slot.Dispose();
            foreach (var slot in queued) (await slot).Dispose();
        }
        Assert.All(admissions, a => Assert.Equal(0, a.Admitted));
    }

    [Fact]
    public async Task Unusable_audio_fails_at_once_with_the_pipelines_error_and_is_not_retried()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => _client.ResynthesizeAsync(Request(new AudioClip(new float[300], 16000), null, 1)));
        Assert.Contains("300 samples; at least 400", e.Message);
    }

    internal static ResynthesisRequest Request(AudioClip source, AudioClip? prompt, ulong seed) => new()
    {
        Source = source.ToMono(), SourceSampleRate = source.SampleRate,
        Prompt = prompt?.ToMono(), PromptSampleRate = prompt?.SampleRate ?? 0, Seed = seed,
    };

    private static async Task<float[]> Collect(IAsyncEnumerable<AudioClip> pieces)
    {
        var all = new List<float>();
        await foreach (var piece in pieces) all.AddRange(piece.ToMono());
        return [.. all];
    }
}
