using System.Threading.RateLimiting;
using SoundStorm.Onnx;

namespace StreamingServer;

/// <summary>
/// POST /speak: multipart/form-data with a <c>text</c> field (English, what to say) and an optional <c>prompt</c> WAV
/// (whose voice). Answers 16-bit PCM audio/wav, or a problem+json body that says what is wrong; 404 when the model
/// package has no text_to_semantic graph.
/// </summary>
public static class SpeakEndpoint
{
    /// <summary>Reads the form, then waits for one of <paramref name="slots"/> (503 when the queue is full), then speaks.</summary>
    public static async Task<IResult> HandleAsync(HttpRequest request, SoundStormPipeline pipeline, ConcurrencyLimiter slots,
        TimeSpan bodyTimeout, CancellationToken cancellationToken)
    {
        if (!pipeline.CanSpeak)
            return Results.Problem(title: "Not available", detail: "this server's model package has no text_to_semantic graph, so it cannot speak text.",
                statusCode: StatusCodes.Status404NotFound);
        (string Text, AudioClip? Prompt) upload;
        try
        {
            upload = await UploadReader.ReadSpeechAsync(request, bodyTimeout, SoundStormPipeline.MaxTextCharacters, cancellationToken);
        }
        catch (UploadException e)
        {
            return Problem(e.StatusCode, e.Message);
        }

        // ArgumentException: nothing to say in English, or a prompt too short.
        return await AudioAnswer.InSlotAsync(slots, () => pipeline.SpeakAsync(upload.Text, upload.Prompt, cancellationToken: cancellationToken),
            "every slot is busy and the queue is full; try again later.", "speech.wav", Problem, cancellationToken);
    }

    private static IResult Problem(int statusCode, string detail) => Results.Problem(
        title: statusCode == StatusCodes.Status503ServiceUnavailable ? "Server busy" : "Bad request", detail: detail, statusCode: statusCode);
}
