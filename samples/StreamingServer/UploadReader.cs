using SoundStorm.Onnx;

namespace StreamingServer;

/// <summary>The two WAV files of a <c>POST /resynthesize</c>: the speech to resynthesize and the optional voice prompt.</summary>
public sealed record Upload(AudioClip Source, AudioClip? Prompt);

/// <summary>An upload the server refuses: the HTTP status and a detail that says what is wrong.</summary>
public sealed class UploadException(int statusCode, string message) : Exception(message)
{
    /// <summary>400 for a bad upload, 413 for one too large.</summary>
    public int StatusCode { get; } = statusCode;
}

/// <summary>
/// Reads the whole multipart body and decodes its WAV files before the request may take a resynthesis slot, within a
/// deadline: a client that trickles its upload holds a connection until the deadline, never a slot, and its
/// connection is closed at the deadline.
/// </summary>
public static class UploadReader
{
    /// <summary>Reads and decodes the upload.</summary>
    /// <exception cref="UploadException">The upload is not a multipart form with a readable 'source' WAV, or too large.</exception>
    /// <exception cref="OperationCanceledException">
    /// The body did not arrive within <paramref name="bodyTimeout"/> (the connection has been closed), or
    /// <paramref name="cancellationToken"/> was cancelled (the client left, or the request timed out).
    /// </exception>
    public static Task<Upload> ReadAsync(HttpRequest request, TimeSpan bodyTimeout, double maxSourceSeconds, CancellationToken cancellationToken) =>
        ReadFormAsync(request, bodyTimeout, "a 'source' WAV file (and optionally a 'prompt' WAV file)", async (form, token) =>
        {
            var source = await ReadWavAsync(form.Files["source"], "source", token, maxSourceSeconds)
                ?? throw Bad("the form has no 'source' file: send the speech to resynthesize as a WAV file in the 'source' field.");
            return new Upload(source, await ReadWavAsync(form.Files["prompt"], "prompt", token));
        }, cancellationToken);

    /// <summary>Reads the text (at most <paramref name="maxCharacters"/> characters) and optional prompt of a <c>POST /speak</c>.</summary>
    /// <exception cref="UploadException">The upload is not a multipart form with a 'text' field, the text is too long, or the prompt is unreadable.</exception>
    public static Task<(string Text, AudioClip? Prompt)> ReadSpeechAsync(HttpRequest request, TimeSpan bodyTimeout, int maxCharacters, CancellationToken cancellationToken) =>
        ReadFormAsync(request, bodyTimeout, "a 'text' field (and optionally a 'prompt' WAV file)", async (form, token) =>
        {
            string text = form["text"].ToString();
            if (string.IsNullOrWhiteSpace(text)) throw Bad("the form has no 'text' field: send what to say in the 'text' field.");
            if (text.Length > maxCharacters) throw Bad($"the text has {text.Length} characters; this server speaks at most {maxCharacters} at a time.");
            return (text, await ReadWavAsync(form.Files["prompt"], "prompt", token));
        }, cancellationToken);

    // Reads the form within the body deadline and turns every way an upload can be bad into an UploadException.
    private static async Task<T> ReadFormAsync<T>(HttpRequest request, TimeSpan bodyTimeout, string expected,
        Func<IFormCollection, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
            throw Bad($"expected multipart/form-data with {expected}, got Content-Type '{request.ContentType ?? "(none)"}'.");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(bodyTimeout);
        try
        {
            var form = await request.ReadFormAsync(deadline.Token);
            return await read(form, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Kestrel cannot resume a request body whose read was cancelled, so no answer can follow: the connection
            // is closed, as Kestrel itself does for a body below its minimum data rate.
            request.HttpContext.Abort();
            throw;
        }
        catch (AudioFormatException e)
        {
            throw Bad(e.Message);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's limits, e.g. a body over MaxRequestBytes (413). It is an IOException too, so it comes first.
            throw new UploadException(e.StatusCode, e.Message);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            // The multipart reader reports a body that ends before its closing boundary (truncated, or a boundary that
            // never comes) as an IOException, and a form over FormOptions' limits as InvalidDataException.
            throw Bad($"the multipart body could not be read: {e.Message}");
        }
    }

    private static async Task<AudioClip?> ReadWavAsync(IFormFile? file, string field, CancellationToken cancellationToken, double maxSeconds = 0)
    {
        if (file is null) return null;
        if (file.Length == 0) throw Bad($"the '{field}' file is empty.");
        var bytes = new MemoryStream((int)file.Length);
        await using (var upload = file.OpenReadStream()) await upload.CopyToAsync(bytes, cancellationToken);
        bytes.Position = 0;
        // Strict: an upload whose WAV header promises more than it holds is refused, not resynthesized in part. The
        // duration limit is judged from the header, before any sample is decoded or resampled: a few bytes can claim hours.
        return AudioClip.ReadWav(bytes, $"{field} ({file.FileName})", requireComplete: true, maxDuration: maxSeconds > 0 ? TimeSpan.FromSeconds(maxSeconds) : null);
    }

    private static UploadException Bad(string detail) => new(StatusCodes.Status400BadRequest, detail);
}
