using System.Threading.RateLimiting;
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

        // ArgumentException: too short for one token frame, too long, or samples that are not finite.
        return await AudioAnswer.InSlotAsync(slots, () => pipeline.ResynthesizeAsync(upload.Source, upload.Prompt, cancellationToken: cancellationToken),
            "every resynthesis slot is busy and the queue is full; try again later.", "resynthesized.wav", Problem, cancellationToken);
    }

    private static IResult Problem(int statusCode, string detail) => Results.Problem(title: statusCode switch
    {
        StatusCodes.Status400BadRequest => "Bad upload",
        StatusCodes.Status503ServiceUnavailable => "Server busy",
        _ => "Upload refused",
    }, detail: detail, statusCode: statusCode);
}
