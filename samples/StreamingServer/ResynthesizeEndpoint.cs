using System.Threading.RateLimiting;
using SoundStorm.Onnx.Audio;
using SoundStorm.Onnx.Pipeline;

namespace StreamingServer;

/// <summary>
/// POST /resynthesize: multipart/form-data with a <c>source</c> WAV (what is said) and an optional <c>prompt</c> WAV
/// (whose voice). Answers 16-bit PCM audio/wav, or a problem+json body that says what is wrong with the upload.
/// </summary>
public static class ResynthesizeEndpoint
{
    /// <summary>
    /// Reads the upload (<see cref="UploadReader"/>), then waits for one of <paramref name="slots"/> (503 when the
    /// queue is full), then resynthesizes. The order matters: a slot is only taken by a request whose audio is in hand.
    /// </summary>
    public static async Task<IResult> HandleAsync(HttpRequest request, SoundStormPipeline pipeline, ConcurrencyLimiter slots,
        TimeSpan bodyTimeout, double maxSourceSeconds, CancellationToken cancellationToken)
    {
        Upload upload;
        try
        {
            upload = await UploadReader.ReadAsync(request, bodyTimeout, maxSourceSeconds, cancellationToken);
        }
        catch (UploadException e)
        {
            return Problem(e.StatusCode, e.Message);
        }

        using var slot = await slots.AcquireAsync(1, cancellationToken);
        if (!slot.IsAcquired)
            return Problem(StatusCodes.Status503ServiceUnavailable, "every resynthesis slot is busy and the queue is full; try again later.");
        AudioClip audio;
        try
        {
            audio = await pipeline.ResynthesizeAsync(upload.Source, upload.Prompt, cancellationToken: cancellationToken);
        }
        catch (ArgumentException e)
        {
            return Problem(StatusCodes.Status400BadRequest, e.Message); // too short for one token frame, too long, or samples that are not finite
        }

        // The decoder gives the whole clip at once; encode it (2 bytes a sample) and stream it out in chunks with its
        // Content-Length, so the client can tell a complete answer from a cut one.
        var wav = new MemoryStream();
        WavWriter.Write(wav, audio);
        wav.Position = 0;
        return Results.Stream(wav, "audio/wav", fileDownloadName: "resynthesized.wav");
    }

    private static IResult Problem(int statusCode, string detail) => Results.Problem(title: statusCode switch
    {
        StatusCodes.Status400BadRequest => "Bad upload",
        StatusCodes.Status503ServiceUnavailable => "Server busy",
        _ => "Upload refused",
    }, detail: detail, statusCode: statusCode);
}
