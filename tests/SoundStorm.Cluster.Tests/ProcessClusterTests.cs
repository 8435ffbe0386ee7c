using System.Text.RegularExpressions;
using Cluster;
using SoundStorm.Tests.Shared.LocalCluster;

namespace SoundStorm.Cluster.Tests;

/// <summary>
/// Real processes on the loopback interface: redis-server, three silo processes and the <c>send</c> client on a
/// folder of 60 one-second clips. The client is killed mid-run and started again (it resumes), and a silo is killed
/// by its PID while calls are in flight. Every step is bounded in time.
/// </summary>
public sealed partial class ProcessClusterTests : IDisposable
{
    private const int Files = 60;
    private const int Iterations = 4; // the silos' MaskGIT iterations: fewer than the paper's 16, for a short test
    private static readonly TimeSpan Start = TimeSpan.FromSeconds(120), Run = TimeSpan.FromSeconds(240);
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [RedisFact]
    public async Task Every_request_completes_exactly_once_with_identical_outputs_when_the_client_and_a_silo_are_killed()
    {
        string input = _dir.Sub("in"), output = _dir.Sub("out");
        TestAudio.WriteFolder(input, Files);
        using var redis = RedisServer.Start();
        string clusterId = $"test-{Guid.NewGuid():N}";
        string[] siloArgs = ["--model", TestAudio.Package, "--iterations", Iterations.ToString(), "--running", "1", "--queue", "3"];
        var starting = Enumerable.Range(0, 3).Select(_ => Task.Run(() => SiloProcess.Start(redis.Address, clusterId, siloArgs, Start))).ToList();
        try
        {
            await Task.WhenAll(starting);
        }
        catch
        {
            foreach (var started in starting.Where(t => t.IsCompletedSuccessfully)) started.Result.Dispose();
            throw;
        }
        var silos = starting.Select(t => t.Result).ToArray();
        try
        {
            string[] send = ["send", "--redis", redis.Address, "--cluster-id", clusterId, "--input", input, "--output", output, "--seed", "42", "--parallel", "12", "--timeout", "60"];

            // Run 1, killed once ten files are written: what it wrote is complete, nothing else is there.
            string[] firstWritten;
            using (var first = new ClusterProcess(send))
            {
                Assert.True(first.WaitFor(o => Written(o).Length >= 10, Run), $"run 1 did not write 10 files:\n{first.Output}");
                first.Kill();
                firstWritten = Written(first.Output);
            }
            var afterFirst = Directory.GetFiles(output, "clip*.wav"); // temporary files of the killed run may sit beside them
            Assert.InRange(afterFirst.Length, firstWritten.Length, Files - 1);
            Assert.All(afterFirst, AssertCompleteWav);

            // Run 2 resumes; one silo is killed by its PID while calls are in flight on it.
            using var second = new ClusterProcess(send);
            Assert.True(second.WaitFor(o => o.Contains($"{afterFirst.Length} already done, {Files - afterFirst.Length} to send"), Run), second.Output);
            Assert.True(second.WaitFor(o => Written(o).Length >= 5, Run), $"run 2 did not write 5 files:\n{second.Output}");
            var victim = silos[0];
            victim.Process.Kill();
            Assert.True(second.WaitForExit(Run) == 0, $"run 2 did not finish cleanly:\n{second.Output}");
            var secondWritten = Written(second.Output);

            // Exactly once: each file written by one run, once; all 60 there, complete, and no temporary files left.
            Assert.Contains($"done: {Files - afterFirst.Length} written, {afterFirst.Length} already there, 0 failed", second.Output);
            Assert.Empty(firstWritten.Intersect(secondWritten));
            Assert.Equal(secondWritten.Length, secondWritten.Distinct().Count());
            var outputs = Directory.GetFiles(output).Select(Path.GetFileName).Order().ToArray();
            Assert.Equal(Enumerable.Range(0, Files).Select(i => $"clip{i:00}.wav"), outputs);
            Assert.All(Directory.GetFiles(output), AssertCompleteWav);
            // The killed silo lost calls, and they were retried on the others (lost-silo failures, not just busy ones).
            Assert.Contains(Retries(second.Output), r => r != nameof(SiloBusyException));

            // Identical outputs: the retried files and a few others, against the single-process pipeline with the same seeds.
            using var local = SoundStormPipeline.Load(TestAudio.Package, SiloModel.ServingOptions(Iterations));
            var check = RetriedFiles(second.Output).Concat(["clip00.wav", "clip31.wav", "clip59.wav"]).Distinct().ToList();
            foreach (string name in check)
                Assert.Equal(await ExpectedWav(local, Path.Combine(input, name), 42), await File.ReadAllBytesAsync(Path.Combine(output, name)));

            // Run 3 has nothing left to do.
            using var third = new ClusterProcess(send);
            Assert.True(third.WaitForExit(Run) == 0, $"run 3 did not finish cleanly:\n{third.Output}");
            Assert.Contains($"done: 0 written, {Files} already there, 0 failed", third.Output);
        }
        finally
        {
            foreach (var silo in silos) silo.Dispose();
        }
    }

    private static async Task<byte[]> ExpectedWav(SoundStormPipeline local, string input, ulong runSeed)
    {
        var request = await local.CreateRequestAsync(AudioClip.ReadWav(input), null, FileSeeds.For(runSeed, Path.GetFileName(input)));
        var samples = new List<float>();
        await foreach (var piece in local.GenerateStreamingAsync(request)) samples.AddRange(piece.ToMono());
        using var wav = new MemoryStream();
        new AudioClip([.. samples], local.SampleRate).WriteWav(wav);
        return wav.ToArray();
    }

    private static void AssertCompleteWav(string path)
    {
        var clip = AudioClip.ReadWav(path, requireComplete: true);
        Assert.Equal(((16000 - 400) / 320 + 1) * 320, clip.FrameCount);
    }

    private static string[] Written(string output) => [.. WrittenLine().Matches(output).Select(m => m.Groups["file"].Value)];

    private static IEnumerable<string> Retries(string output) =>
        WrittenLine().Matches(output).Where(m => m.Groups["retried"].Success).SelectMany(m => m.Groups["retried"].Value.Split(", "));

    private static IEnumerable<string> RetriedFiles(string output) =>
        WrittenLine().Matches(output).Where(m => m.Groups["retried"].Success && m.Groups["retried"].Value.Split(", ").Any(r => r != nameof(SiloBusyException)))
            .Select(m => m.Groups["file"].Value);

    [GeneratedRegex(@"^written: (?<file>\S+) \(silo [\d.:]+, attempt \d+(; retried after (?<retried>[^)]+))?\)", RegexOptions.Multiline)]
    private static partial Regex WrittenLine();
}
