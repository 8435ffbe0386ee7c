using System.Threading.RateLimiting;
using SoundStorm.Onnx;

namespace StreamingServer;

/// <summary>The second half every audio endpoint shares: a slot, the work, and the WAV answer.</summary>
internal static class AudioAnswer
{
    /// <summary>
    /// Waits for one of <paramref name="slots"/> (503 with <paramref name="busyDetail"/> when the queue is full), runs
    /// <paramref name="produce"/> (an <see cref="ArgumentException"/> from it is a 400 naming the problem), and answers
    /// the audio as 16-bit PCM WAV.
    /// </summary>
    public static async Task<IResult> InSlotAsync(ConcurrencyLimiter slots, Func<Task<AudioClip>> produce, string busyDetail, string fileName,
        Func<int, string, IResult> problem, CancellationToken cancellationToken)
    {
        using var slot = await slots.AcquireAsync(1, cancellationToken);
        if (!slot.IsAcquired) return problem(StatusCodes.Status503ServiceUnavailable, busyDetail);
        AudioClip audio;
        try
        {
            audio = await produce();
        }
        catch (ArgumentException e)
        {
            return problem(StatusCodes.Status400BadRequest, e.Message);
        }

        // The decoder gives the whole clip at once; encode it (2 bytes a sample) and stream it out in chunks with its
        // Content-Length, so the client can tell a complete answer from a cut one.
        var wav = new MemoryStream();
        audio.WriteWav(wav);
        wav.Position = 0;
        return Results.Stream(wav, "audio/wav", fileDownloadName: fileName);
    }
}
