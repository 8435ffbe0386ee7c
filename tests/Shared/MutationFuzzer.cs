using System.Diagnostics;

namespace SoundStorm.Tests.Shared;

/// <summary>
/// Bounded mutation fuzzing for CI: from seed inputs, derives mutants (bit flips, byte overwrites with boundary values,
/// truncations, insertions, deletions, and 32/64-bit length fields overwritten with huge or negative numbers) and runs
/// the parser on each. Allowed outcomes: a result, or the parser's documented exception type. Anything else — another
/// exception type, a run over the time limit, or allocating far more than the input justifies — fails the test.
/// </summary>
public static class MutationFuzzer
{
    public sealed record Report(string Parser, int Tried, int Parsed, int Refused)
    {
        public override string ToString() => $"{Parser}: {Tried} inputs, {Parsed} parsed, {Refused} refused with the documented exception";
    }

    public static Report Run(string parser, IReadOnlyList<byte[]> seeds, int mutants, Action<byte[]> parse, Func<Exception, bool> documented,
        int seed = 1, long allocationLimitBytes = 256L << 20, TimeSpan? timeLimit = null)
    {
        var limit = timeLimit ?? TimeSpan.FromSeconds(5);
        var rng = new Random(seed);
        int parsed = 0, refused = 0;
        var failures = new List<string>();
        for (int i = 0; i < mutants + seeds.Count; i++)
        {
            byte[] input = i < seeds.Count ? seeds[i] : Mutate(seeds[rng.Next(seeds.Count)], rng);
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            try
            {
                parse(input);
                parsed++;
            }
            catch (Exception e) when (documented(e))
            {
                refused++;
                if (string.IsNullOrWhiteSpace(e.Message)) failures.Add($"input {i}: {e.GetType().Name} without a message");
            }
            catch (Exception e)
            {
                failures.Add($"input {i} ({input.Length} bytes): {e.GetType().FullName}: {e.Message}");
            }
            if (clock.Elapsed > limit) failures.Add($"input {i}: took {clock.Elapsed.TotalSeconds:F1} s");
            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            if (allocated > allocationLimitBytes) failures.Add($"input {i} ({input.Length} bytes): allocated {allocated >> 20} MiB");
            if (failures.Count >= 5) break;
        }
        Assert.True(failures.Count == 0, $"{parser}:\n" + string.Join("\n", failures));
        return new Report(parser, mutants + seeds.Count, parsed, refused);
    }

    private static byte[] Mutate(byte[] seed, Random rng)
    {
        var data = seed.ToArray();
        int edits = 1 + rng.Next(4);
        for (int e = 0; e < edits && data.Length > 0; e++)
        {
            int at = rng.Next(data.Length);
            switch (rng.Next(7))
            {
                case 0: data[at] ^= (byte)(1 << rng.Next(8)); break;
                case 1: data[at] = new byte[] { 0, 0xFF, 0x7F, 0x80, 0x01 }[rng.Next(5)]; break;
                case 2: data = data[..at]; break;
                case 3: data = [.. data[..at], .. RandomBytes(rng, 1 + rng.Next(16)), .. data[at..]]; break;
                case 4: data = [.. data[..at], .. data[Math.Min(data.Length, at + 1 + rng.Next(16))..]]; break;
                case 5: WriteNumber(data, at, 4, rng); break;
                default: WriteNumber(data, at, 8, rng); break;
            }
        }
        return data;
    }

    private static void WriteNumber(byte[] data, int at, int width, Random rng)
    {
        if (at + width > data.Length) return;
        long[] values = [0, 1, -1, int.MaxValue, int.MinValue, uint.MaxValue, long.MaxValue, long.MinValue, 1L << 40, rng.NextInt64()];
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
