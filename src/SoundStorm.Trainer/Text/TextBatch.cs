using SoundStorm.Trainer.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Text;

/// <summary>
/// A padded batch of utterance stretches for <see cref="TextToSemanticModel"/>: the phones with their durations, and
/// per frame its phone, offset within it, that phone's length (both clipped to the embedding size), and its unit.
/// </summary>
internal sealed record TextBatch(long[] Phones, bool[] PhonePadding, float[] LogDurations, long[] FramePhone, long[] FrameOffset,
    long[] FrameLength, bool[] FramePadding, long[] Units, int BatchSize, int MaxPhones, int MaxFrames)
{
    /// <summary>Unit target of padded frames (ignored by the loss).</summary>
    public const long Ignore = -100;

    /// <summary>
    /// Builds a batch; an utterance longer than <paramref name="maxFrames"/> contributes whole phones from a random one
    /// on, up to that many frames (at least one phone).
    /// </summary>
    public static TextBatch Build(IReadOnlyList<TextUnitsUtterance> items, int maxFrames, int phoneCount, int maxPhoneFrames, StepRandom? random)
    {
        var spans = items.Select(u => Span(u, maxFrames, random)).ToArray();
        int n = spans.Max(s => s.Count), t = spans.Max(s => s.Frames);
        int b = items.Count;
        var phones = new long[b * n];
        Array.Fill(phones, phoneCount);
        var phonePadding = new bool[b * n];
        Array.Fill(phonePadding, true);
        var logDurations = new float[b * n];
        var framePhone = new long[b * t];
        var frameOffset = new long[b * t];
        var frameLength = new long[b * t];
        var framePadding = new bool[b * t];
        Array.Fill(framePadding, true);
        var units = new long[b * t];
        Array.Fill(units, Ignore);
        for (int i = 0; i < b; i++)
        {
            var (u, first, count, _) = spans[i];
            int frame = 0, start = 0;
            for (int p = 0; p < first; p++) start += (int)u.Durations[p];
            for (int p = 0; p < count; p++)
            {
                long duration = u.Durations[first + p];
                phones[i * n + p] = u.Phones[first + p];
                phonePadding[i * n + p] = false;
                logDurations[i * n + p] = (float)Math.Log(1 + duration);
                for (int k = 0; k < duration; k++, frame++)
                {
                    int at = i * t + frame;
                    framePhone[at] = p;
                    frameOffset[at] = Math.Min(k, maxPhoneFrames - 1);
                    frameLength[at] = Math.Min(duration, maxPhoneFrames - 1);
                    framePadding[at] = false;
                    units[at] = u.Units[start + frame];
                }
            }
        }
        return new TextBatch(phones, phonePadding, logDurations, framePhone, frameOffset, frameLength, framePadding, units, b, n, t);
    }

    /// <summary>Whole phones from a random first one (the first phone without a random source), up to <paramref name="maxFrames"/> frames (at least one phone).</summary>
    public static (TextUnitsUtterance U, int First, int Count, int Frames) Span(TextUnitsUtterance u, int maxFrames, StepRandom? random)
    {
        if (u.Units.Length <= maxFrames) return (u, 0, u.Phones.Length, u.Units.Length);
        int first = random?.NextInt(u.Phones.Length) ?? 0, count = 0, frames = 0;
        while (first + count < u.Phones.Length && (count == 0 || frames + u.Durations[first + count] <= maxFrames))
            frames += (int)u.Durations[first + count++];
        return (u, first, count, frames);
    }

    /// <summary>The batch as tensors.</summary>
    public (Tensor Phones, Tensor PhonePadding, Tensor LogDurations, Tensor FramePhone, Tensor FrameOffset, Tensor FrameLength, Tensor FramePadding, Tensor Units) ToTensors() =>
        (tensor(Phones, [BatchSize, MaxPhones]), tensor(PhonePadding, [BatchSize, MaxPhones]), tensor(LogDurations, [BatchSize, MaxPhones]),
         tensor(FramePhone, [BatchSize, MaxFrames]), tensor(FrameOffset, [BatchSize, MaxFrames]), tensor(FrameLength, [BatchSize, MaxFrames]),
         tensor(FramePadding, [BatchSize, MaxFrames]), tensor(Units, [BatchSize, MaxFrames]));
}
