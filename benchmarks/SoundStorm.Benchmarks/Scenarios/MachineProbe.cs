using System.Diagnostics;

namespace SoundStorm.Benchmarks.Scenarios;

/// <summary>Facts about the machine measured in the same run: matmul ceiling, memory bandwidth, memory peaks.</summary>
internal static class MachineProbe
{
    /// <summary>Copy bandwidth in GB/s (bytes read + bytes written) over a buffer far larger than the caches.</summary>
    public static double MemoryBandwidth(int megabytes = 512, int repeats = 5)
    {
        var source = new byte[megabytes << 20];
        var destination = new byte[source.Length];
        new Random(1).NextBytes(source.AsSpan(0, 1 << 20));
        var times = new double[repeats];
        for (int r = -1; r < repeats; r++)
        {
            long start = Stopwatch.GetTimestamp();
            source.AsSpan().CopyTo(destination);
            if (r >= 0) times[r] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(times);
        return 2.0 * source.Length / times[repeats / 2] / 1e9;
    }

    /// <summary>
    /// Read bandwidth in GB/s: two threads summing the halves of a buffer far larger than the caches — what a decode
    /// step does with its weights and cache (reading is faster than copying, which also writes).
    /// </summary>
    public static double ReadBandwidth(int megabytes = 512, int repeats = 5)
    {
        var data = new float[(megabytes << 20) / sizeof(float)];
        Array.Fill(data, 1f);
        int half = data.Length / 2;
        var times = new double[repeats];
        double sink = 0;
        for (int r = -1; r < repeats; r++)
        {
            var sums = new double[2];
            long start = Stopwatch.GetTimestamp();
            Parallel.For(0, 2, i => sums[i] = System.Numerics.Tensors.TensorPrimitives.Sum(data.AsSpan(i * half, half)));
            if (r >= 0) times[r] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            sink += sums[0] + sums[1];
        }
        if (sink != (repeats + 1.0) * 2 * half) throw new InvalidOperationException("The bandwidth probe summed wrongly.");
        Array.Sort(times);
        return (double)data.Length * sizeof(float) / times[repeats / 2] / 1e9;
    }

    /// <summary>Peak resident set size of this process so far (VmHWM), in bytes; 0 where /proc is not available.</summary>
    public static long PeakResidentBytes()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path)) return 0;
        foreach (string line in File.ReadLines(path))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        return 0;
    }

    /// <summary>Samples managed heap size and resident set size every 20 ms while <paramref name="action"/> runs; returns the peaks.</summary>
    public static (long ManagedPeak, long ResidentPeak) Peaks(Action action)
    {
        long managed = 0, resident = 0;
        using var process = Process.GetCurrentProcess();
        var gate = new object();
        void Sample()
        {
            lock (gate)
            {
                managed = Math.Max(managed, GC.GetTotalMemory(false));
                process.Refresh();
                resident = Math.Max(resident, process.WorkingSet64);
            }
        }
        using var stop = new CancellationTokenSource();
        Sample(); // a short action may end before the sampler's first tick
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                Sample();
                try { await Task.Delay(20, stop.Token).ConfigureAwait(false); } catch (OperationCanceledException) { }
            }
        });
        action();
        Sample();
        stop.Cancel();
        sampler.Wait();
        return (managed, resident);
    }
}
