namespace SoundStorm.Onnx.Tests.Hardening;

/// <summary>One loaded generator serving many threads: same tokens as alone; disposal while running is defined.</summary>
public sealed class ConcurrencyTests : IDisposable
{
    private readonly TinyPackage _tiny = new(31);

    public void Dispose() => _tiny.Dispose();

    private static GenerationRequest Request(int index) =>
        new(Enumerable.Range(0, 6 + index % 7).Select(i => (long)((i * 5 + index) % TinyModel.K)).ToArray(), seed: (ulong)(1000 + index));

    [Fact]
    public void Eight_threads_times_25_generations_give_exactly_the_tokens_each_gives_alone()
    {
        using var generator = new SoundStormGenerator(_tiny.Package);
        const int threads = 8, perThread = 25;
        var alone = new CodeGrid[threads * perThread];
        for (int i = 0; i < alone.Length; i++) alone[i] = generator.Generate(Request(i));

        var together = new CodeGrid[alone.Length];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            for (int k = 0; k < perThread; k++)
            {
                int i = t * perThread + k;
                together[i] = generator.Generate(Request(i));
            }
        });
        for (int i = 0; i < alone.Length; i++) Assert.Equal(alone[i], together[i]);
    }

    [Fact]
    public async Task Disposing_while_threads_generate_waits_or_throws_ObjectDisposedException()
    {
        var generator = new SoundStormGenerator(_tiny.Package);
        int completed = 0, refused = 0;
        var failures = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        using var started = new CountdownEvent(4);
        var workers = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            started.Signal();
            var limit = System.Diagnostics.Stopwatch.StartNew();
            for (int k = 0; limit.Elapsed < TimeSpan.FromSeconds(30); k++) // bounded: runs until the disposal stops it
            {
                try
                {
                    generator.Generate(Request(t * 1000 + k % 1000));
                    Interlocked.Increment(ref completed);
                }
                catch (ObjectDisposedException)
                {
                    Interlocked.Increment(ref refused);
                    return;
                }
                catch (Exception e)
                {
                    failures.Add(e);
                    return;
                }
            }
        })).ToArray();
        started.Wait(TimeSpan.FromSeconds(30));
        await Task.Delay(50);
        generator.Dispose();
        await Task.WhenAll(workers);
        Assert.Empty(failures);
        Assert.Equal(4, refused); // every worker was stopped by the disposal, none crashed
        Assert.Throws<ObjectDisposedException>(() => generator.Generate(Request(0)));
        generator.Dispose(); // idempotent
    }
}
