using SoundStorm.Trainer.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Text.Autoregressive;

/// <summary>
/// A padded teacher-forcing batch for <see cref="AutoregressiveTextModel"/>: phones left-padded to the longest, then the
/// start id and the units right-padded; targets are the next unit at every unit position and the end of speech after
/// the last frame, but only where the stretch reaches the utterance's end (a cropped stretch does not end there).
/// </summary>
internal sealed record AutoregressiveTextBatch(long[] Phones, long[] Units, bool[] Padding, long[] Targets, int BatchSize, int MaxPhones, int MaxUnits)
{
    /// <summary>Builds the batch; stretches longer than <paramref name="maxFrames"/> are cut as <see cref="TextBatch.Span"/> cuts them.</summary>
    public static AutoregressiveTextBatch Build(IReadOnlyList<TextUnitsUtterance> items, int maxFrames, int phoneCount, int unitCount, StepRandom? random)
    {
        var spans = items.Select(u => TextBatch.Span(u, maxFrames, random)).ToArray();
        int b = items.Count, n = spans.Max(s => s.Count), t = spans.Max(s => s.Frames) + 1, length = n + t;
        var phones = new long[b * n];
        Array.Fill(phones, phoneCount);
        var units = new long[b * t];
        var padding = new bool[b * length];
        Array.Fill(padding, true);
        var targets = new long[b * t];
        Array.Fill(targets, TextBatch.Ignore);
        for (int i = 0; i < b; i++)
        {
            var (u, first, count, frames) = spans[i];
            int start = 0;
            for (int p = 0; p < first; p++) start += (int)u.Durations[p];
            for (int p = 0; p < count; p++)
            {
                phones[i * n + n - count + p] = u.Phones[first + p];
                padding[i * length + n - count + p] = false;
            }
            units[i * t] = unitCount;
            for (int f = 0; f <= frames; f++) padding[i * length + n + f] = false;
            for (int f = 0; f < frames; f++)
            {
                units[i * t + f + 1] = u.Units[start + f];
                targets[i * t + f] = u.Units[start + f];
            }
            if (first + count == u.Phones.Length) targets[i * t + frames] = unitCount;
        }
        return new AutoregressiveTextBatch(phones, units, padding, targets, b, n, t);
    }

    /// <summary>The batch as tensors: phones [B, N], units [B, T], padding [B, N + T], targets [B, T].</summary>
    public (Tensor Phones, Tensor Units, Tensor Padding, Tensor Targets) ToTensors() =>
        (tensor(Phones, [BatchSize, MaxPhones]), tensor(Units, [BatchSize, MaxUnits]), tensor(Padding, [BatchSize, MaxPhones + MaxUnits]),
         tensor(Targets, [BatchSize, MaxUnits]));
}
