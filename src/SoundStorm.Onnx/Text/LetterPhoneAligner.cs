namespace SoundStorm.Onnx.Text;

/// <summary>
/// Aligns each dictionary word's letters with its phones so that every letter stands for nothing, one phone, or a pair
/// of phones (the x of "box" is K S, the u of "use" Y UW). The letter-to-sound tables count what a letter becomes in
/// its context, which needs this one-to-one view of words whose spelling and pronunciation differ in length.
/// </summary>
/// <remarks>
/// Hard (Viterbi) expectation–maximisation: start from how often a letter and a phone occur in the same word, align
/// every word by the best path under the current probabilities, re-estimate the probabilities from those alignments,
/// repeat. A few rounds settle: the later ones change few alignments.
/// </remarks>
internal static class LetterPhoneAligner
{
    /// <summary>Chunk 0 is "no phone", 1–39 a single phone (its id), then the 39 × 39 ordered pairs.</summary>
    public const int ChunkCount = 1 + Phones + Phones * Phones;

    private const int Phones = 39;

    public static int Pair(int first, int second) => 1 + Phones + (first - 1) * Phones + (second - 1);

    /// <summary>The phone ids a chunk stands for.</summary>
    public static void AppendPhones(int chunk, List<byte> phones)
    {
        if (chunk == 0)
        {
            return;
        }
        if (chunk <= Phones)
        {
            phones.Add((byte)chunk);
            return;
        }
        int pair = chunk - 1 - Phones;
        phones.Add((byte)(pair / Phones + 1));
        phones.Add((byte)(pair % Phones + 1));
    }

    /// <summary>A chunk per letter of each word, or null for a word no alignment fits (more than two phones a letter).</summary>
    public static int[]?[] Align(IReadOnlyList<byte[]> letters, IReadOnlyList<byte[]> phones, int rounds)
    {
        double[] logP = InitialScores(letters, phones);
        var result = new int[]?[letters.Count];
        var buffers = new PathBuffers();
        for (int round = 0; round < rounds; round++)
        {
            var counts = new double[LetterCodes.Count * ChunkCount];
            for (int w = 0; w < letters.Count; w++)
            {
                result[w] = BestPath(letters[w], phones[w], logP, buffers);
                if (result[w] is { } chunks)
                {
                    for (int i = 0; i < chunks.Length; i++)
                    {
                        counts[letters[w][i] * ChunkCount + chunks[i]] += 1;
                    }
                }
            }
            logP = Normalise(counts, smoothing: 0.01);
        }
        return result;
    }

    /// <summary>Before any alignment: a phone is likely for a letter in proportion to how often they share a word;
    /// "no phone" and pairs start unlikely, so that single phones are tried first.</summary>
    private static double[] InitialScores(IReadOnlyList<byte[]> letters, IReadOnlyList<byte[]> phones)
    {
        var together = new double[LetterCodes.Count * (Phones + 1)];
        for (int w = 0; w < letters.Count; w++)
        {
            double share = 1.0 / phones[w].Length;
            foreach (byte l in letters[w])
            {
                foreach (byte p in phones[w])
                {
                    together[l * (Phones + 1) + p] += share;
                }
            }
        }
        var counts = new double[LetterCodes.Count * ChunkCount];
        for (int l = 1; l < LetterCodes.Count; l++)
        {
            double total = 0;
            for (int p = 1; p <= Phones; p++)
            {
                total += together[l * (Phones + 1) + p];
            }
            if (total == 0)
            {
                continue;
            }
            int row = l * ChunkCount;
            counts[row] = 0.1 * total;
            for (int a = 1; a <= Phones; a++)
            {
                double pa = together[l * (Phones + 1) + a] / total;
                counts[row + a] = pa * total;
                for (int b = 1; b <= Phones; b++)
                {
                    counts[row + Pair(a, b)] = 0.01 * pa * (together[l * (Phones + 1) + b] / total) * total;
                }
            }
        }
        return Normalise(counts, smoothing: 1e-6);
    }

    private static double[] Normalise(double[] counts, double smoothing)
    {
        var logP = new double[counts.Length];
        for (int l = 0; l < LetterCodes.Count; l++)
        {
            int row = l * ChunkCount;
            double total = smoothing * ChunkCount;
            for (int c = 0; c < ChunkCount; c++)
            {
                total += counts[row + c];
            }
            for (int c = 0; c < ChunkCount; c++)
            {
                logP[row + c] = Math.Log((counts[row + c] + smoothing) / total);
            }
        }
        return logP;
    }

    /// <summary>The dynamic programme's tables, reused from word to word.</summary>
    private sealed class PathBuffers
    {
        public double[] Score = [];
        public byte[] Step = []; // phones taken by the letter that reached a cell: 0, 1 or 2

        public void Reset(int cells)
        {
            if (Score.Length < cells)
            {
                Score = new double[cells];
                Step = new byte[cells];
            }
            Array.Fill(Score, double.NegativeInfinity, 0, cells);
        }
    }

    private static int[]? BestPath(byte[] letters, byte[] phones, double[] logP, PathBuffers buffers)
    {
        int n = letters.Length, m = phones.Length;
        if (m > 2 * n)
        {
            return null;
        }
        int width = m + 1;
        buffers.Reset((n + 1) * width);
        double[] score = buffers.Score;
        byte[] step = buffers.Step;
        score[0] = 0;
        for (int i = 0; i < n; i++)
        {
            int row = letters[i] * ChunkCount;
            for (int j = 0; j <= m; j++)
            {
                double s = score[i * width + j];
                if (double.IsNegativeInfinity(s))
                {
                    continue;
                }
                Relax(score, step, (i + 1) * width + j, s + logP[row], 0);
                if (j + 1 <= m)
                {
                    Relax(score, step, (i + 1) * width + j + 1, s + logP[row + phones[j]], 1);
                }
                if (j + 2 <= m)
                {
                    Relax(score, step, (i + 1) * width + j + 2, s + logP[row + Pair(phones[j], phones[j + 1])], 2);
                }
            }
        }
        if (double.IsNegativeInfinity(score[n * width + m]))
        {
            return null;
        }
        var chunks = new int[n];
        for (int i = n, j = m; i > 0; i--)
        {
            int taken = step[i * width + j];
            j -= taken;
            chunks[i - 1] = taken switch
            {
                0 => 0,
                1 => phones[j],
                _ => Pair(phones[j], phones[j + 1]),
            };
        }
        return chunks;
    }

    private static void Relax(double[] score, byte[] step, int cell, double candidate, byte taken)
    {
        if (candidate > score[cell])
        {
            score[cell] = candidate;
            step[cell] = taken;
        }
    }
}
