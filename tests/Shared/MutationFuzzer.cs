namespace SoundStorm.Tests.Shared;

/// <summary>
/// Bounded mutation fuzzing for CI: from seed inputs, derives mutants (bit flips, byte overwrites with boundary values,
/// truncations, insertions, deletions, splices of two seeds, 16/32/64-bit length fields overwritten with huge or negative
/// numbers, and some wholly random inputs) and runs the parser on each. Allowed outcomes: a result, or the parser's
/// documented exception type with a message. Anything else — another exception type, an input that does not finish
/// within the time limit (a hang), or allocating more than the limit allows for the input's size — fails the test.
/// </summary>
/// <remarks>
/// Inputs run one at a time on a worker thread with a 1 MiB stack (so deep recursion shows up here rather than only on
/// smaller stacks elsewhere); the caller waits for each with a timeout, so a hang fails the test instead of stalling it.
/// Allocation is measured on the worker thread with <see cref="GC.GetAllocatedBytesForCurrentThread"/>.
/// </remarks>
public static class MutationFuzzer
{
    public sealed record Report(string Parser, int Tried, int Parsed, int Refused)
    {
        public override string ToString() => $"{Parser}: {Tried} inputs tried, {Parsed} parsed, {Refused} refused with the documented exception";
    }

    /// <summary>Seed files kept in the repository under <c>Fuzz/Corpus/&lt;parser&gt;/</c> (copied beside the test assembly).</summary>
    public static List<byte[]> Corpus(string parser)
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "Fuzz", "Corpus", parser);
        Assert.True(Directory.Exists(folder), $"The seed corpus folder {folder} is missing.");
        var files = Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        Assert.NotEmpty(files);
        return files;
    }

    /// <param name="parser">Name used in the report.</param>
    /// <param name="seeds">Valid (or interesting) inputs; each is run as is, then mutated.</param>
    /// <param name="mutants">Mutated inputs to try besides the seeds.</param>
    /// <param name="parse">Runs the parser on one input.</param>
    /// <param name="documented">True for the parser's documented exception type.</param>
    /// <param name="seed">Random seed (fixed, so a failure reproduces).</param>
    /// <param name="allocationLimitBytes">Fixed allowance of bytes allocated per input.</param>
    /// <param name="allocationPerInputByte">Further allowance per byte of input (decoders may legitimately expand).</param>
    /// <param name="timeLimit">Longest one input may take before it counts as a hang.</param>
    /// <param name="mutate">Makes one mutant from the seeds (default: the byte-level mutations described above).</param>
    public static Report Run(string parser, IReadOnlyList<byte[]> seeds, int mutants, Action<byte[]> parse, Func<Exception, bool> documented,
        int seed = 1, long allocationLimitBytes = 64L << 20, long allocationPerInputByte = 64, TimeSpan? timeLimit = null,
        Func<IReadOnlyList<byte[]>, Random, byte[]>? mutate = null)
    {
        mutate ??= Mutate;
        var limit = timeLimit ?? TimeSpan.FromSeconds(10);
        var rng = new Random(seed);
        int parsed = 0, refused = 0, tried = 0;
        var failures = new List<string>();
        using var worker = new Worker();
        for (int i = 0; i < mutants + seeds.Count && failures.Count < 5; i++)
        {
            byte[] input = i < seeds.Count ? seeds[i] : mutate(seeds, rng);
            tried++;
            var outcome = worker.Run(() => parse(input), limit);
            if (outcome is null)
            {
                failures.Add($"input {i} ({input.Length} bytes, starts {Hex(input)}): no result within {limit.TotalSeconds:F0} s (a hang)");
                break; // the worker is stuck; later inputs cannot run on it
            }

            var (error, allocated) = outcome.Value;
            if (error is null) parsed++;
            else if (documented(error))
            {
                refused++;
                if (string.IsNullOrWhiteSpace(error.Message)) failures.Add($"input {i}: {error.GetType().Name} without a message");
            }
            else
            {
                failures.Add($"input {i} ({input.Length} bytes, starts {Hex(input)}): {error.GetType().FullName}: {error.Message}\n{error.StackTrace}");
            }

            long allowed = allocationLimitBytes + (allocationPerInputByte * input.Length);
            if (allocated > allowed) failures.Add($"input {i} ({input.Length} bytes): allocated {allocated >> 10} KiB, more than the {allowed >> 10} KiB allowed");
        }

        Assert.True(failures.Count == 0, $"{parser}:\n" + string.Join("\n", failures));
        return new Report(parser, tried, parsed, refused);
    }

    private static string Hex(byte[] input) => Convert.ToHexString(input.AsSpan(0, Math.Min(16, input.Length)));

    /// <summary>One thread that runs actions handed to it and reports (exception, bytes allocated), or null on timeout.</summary>
    private sealed class Worker : IDisposable
    {
        private readonly SemaphoreSlim _start = new(0), _done = new(0);
        private readonly Thread _thread;
        private Action? _action;
        private Exception? _error;
        private long _allocated;
        private volatile bool _stop;

        public Worker()
        {
            _thread = new Thread(Loop, maxStackSize: 1 << 20) { IsBackground = true, Name = "mutation fuzzer" };
            _thread.Start();
        }

        public (Exception? Error, long Allocated)? Run(Action action, TimeSpan limit)
        {
            _action = action;
            _start.Release();
            return _done.Wait(limit) ? (_error, _allocated) : null;
        }

        private void Loop()
        {
            while (true)
            {
                _start.Wait();
                if (_stop) return;
                _error = null;
                long before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    _action!();
                }
                catch (Exception e)
                {
                    _error = e;
                }

                _allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                _done.Release();
            }
        }

        public void Dispose()
        {
            _stop = true;
            _start.Release();
        }
    }

    private static byte[] Mutate(IReadOnlyList<byte[]> seeds, Random rng)
    {
        var data = seeds[rng.Next(seeds.Count)].ToArray();
        if (rng.Next(50) == 0) return RandomBytes(rng, rng.Next(1, 512)); // now and then, bytes with no structure at all
        int edits = 1 + rng.Next(4);
        for (int e = 0; e < edits && data.Length > 0; e++)
        {
            int at = rng.Next(data.Length);
            switch (rng.Next(9))
            {
                case 0: data[at] ^= (byte)(1 << rng.Next(8)); break;
                case 1: data[at] = new byte[] { 0, 0xFF, 0x7F, 0x80, 0x01 }[rng.Next(5)]; break;
                case 2: data = data[..at]; break;
                case 3: data = [.. data[..at], .. RandomBytes(rng, 1 + rng.Next(16)), .. data[at..]]; break;
                case 4: data = [.. data[..at], .. data[Math.Min(data.Length, at + 1 + rng.Next(16))..]]; break;
                case 5: WriteNumber(data, at, 2, rng); break;
                case 6: WriteNumber(data, at, 4, rng); break;
                case 7: WriteNumber(data, at, 8, rng); break;
                default:
                    // Splice: this input's head, another seed's tail.
                    byte[] other = seeds[rng.Next(seeds.Count)];
                    data = [.. data[..at], .. other[rng.Next(other.Length + 1)..]];
                    break;
            }
        }

        return data;
    }

    private static void WriteNumber(byte[] data, int at, int width, Random rng)
    {
        if (at + width > data.Length) return;
        long[] values = [0, 1, -1, short.MaxValue, ushort.MaxValue, int.MaxValue, int.MinValue, uint.MaxValue, long.MaxValue, long.MinValue,
            1L << 31, 1L << 40, data.Length, data.Length + 1, rng.NextInt64()];
        long value = values[rng.Next(values.Length)];
        for (int b = 0; b < width; b++) data[at + b] = (byte)(value >> (8 * b));
    }

    private static byte[] RandomBytes(Random rng, int count)
    {
        var bytes = new byte[count];
        rng.NextBytes(bytes);
        return bytes;
    }
}
