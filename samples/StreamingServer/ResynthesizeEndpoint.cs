using SoundStorm.Onnx.Audio;
using SoundStorm.Onnx.Pipeline;

namespace StreamingServer;

/// <summary>
/// POST /resynthesize: multipart/form-data with a <c>source</c> WAV (what is said) and an optional <c>prompt</c> WAV
/// (whose voice). Answers 16-bit PCM audio/wav, or 400 with a problem+json body that says what is wrong with the upload.
/// </summary>
public static class ResynthesizeEndpoint
{
    public static async Task<IResult> HandleAsync(HttpRequest request, SoundStormPipeline pipeline, CancellationToken cancellationToken)
    {
        AudioClip source;
        AudioClip? prompt;
        try
        {
            if (!request.HasFormContentType)
                return BadUpload($"expected multipart/form-data with a 'source' WAV file (and optionally a 'prompt' WAV file), got Content-Type '{request.ContentType ?? "(none)"}'.");
            var form = await request.ReadFormAsync(cancellationToken);
            source = await ReadWavAsync(form.Files["source"], "source", cancellationToken)
                ?? throw new UploadException("the form has no 'source' file: send the speech to resynthesize as a WAV file in the 'source' field.");
            prompt = await ReadWavAsync(form.Files["prompt"], "prompt", cancellationToken);
        }
        catch (UploadException e)
        {
            return BadUpload(e.Message);
        }
        catch (AudioFormatException e)
        {
            return BadUpload(e.Message);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's limits, e.g. a body over MaxRequestBytes (413).
            return Results.Problem(title: "Upload refused", detail: e.Message, statusCode: e.StatusCode);
        }
        catch (InvalidDataException e)
        {
            // A malformed multipart body, or a form over FormOptions' limits.
            return BadUpload($"the multipart body could not be read: {e.Message}");
        }

        AudioClip audio;
        try
        {
            audio = await pipeline.ResynthesizeAsync(source, prompt, cancellationToken: cancellationToken);
        }
        catch (ArgumentException e)
        {
            return BadUpload(e.Message); // too short for one token frame, or samples that are not finite
        }

        // The decoder gives the whole clip at once; encode it (2 bytes a sample) and stream it out in chunks with its
        // Content-Length, so the client can tell a complete answer from a cut one.
        var wav = new MemoryStream();
        WavWriter.Write(wav, audio);
        wav.Position = 0;
        return Results.Stream(wav, "audio/wav", fileDownloadName: "resynthesized.wav");
    }

    private static async Task<AudioClip?> ReadWavAsync(IFormFile? file, string field, CancellationToken cancellationToken)
    {
        if (file is null) return null;
        if (file.Length == 0) throw new UploadException($"the '{field}' file is empty.");
        var bytes = new MemoryStream((int)file.Length);
        await using (var upload = file.OpenReadStream()) await upload.CopyToAsync(bytes, cancellationToken);
        bytes.Position = 0;
        return WavReader.Read(bytes, $"{field} ({file.FileName})", out _);
    }

    private static IResult BadUpload(string detail) =>
        Results.Problem(title: "Bad upload", detail: detail, statusCode: StatusCodes.Status400BadRequest);

    private sealed class UploadException(string message) : Exception(message);
}
