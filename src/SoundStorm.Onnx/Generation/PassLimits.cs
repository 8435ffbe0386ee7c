
namespace SoundStorm.Onnx.Generation;

/// <summary>
/// The most frames an acoustic model takes in one pass where learned position tables fix it (the seed family: a
/// package's <c>maxGeneratedFrames</c> and <c>maxPromptFrames</c>). A longer pass would index past the table and fail
/// deep inside ONNX Runtime with a broadcast error, so it is refused before any graph runs.
/// </summary>
internal readonly record struct PassLimits(int? Generated, int? Prompt, double FrameRate)
{
    public static readonly PassLimits None = new(null, null, 50);

    /// <summary>Throws <see cref="ArgumentException"/> naming the request, the limit and the length found.</summary>
    public void Check(BatchLayout layout)
    {
        for (int b = 0; b < layout.Batch; b++)
        {
            if (layout.GeneratedFrames[b] > Generated)
                throw new ArgumentException($"Request {b} asks for {Frames(layout.GeneratedFrames[b])} in one pass; this model generates at most " +
                    $"{Frames(Generated.Value)} in one pass (the length of its position table). Generate it in windows (GenerateLong; the pipeline does so by itself).", "requests");
            if (layout.PromptFrames[b] > Prompt)
                throw new ArgumentException($"Request {b} has a prompt of {Frames(layout.PromptFrames[b])}; this model takes at most {Frames(Prompt.Value)} of prompt " +
                    "(the length of its prompt position tables).", "requests");
        }
    }

    /// <summary>"1000 frames (20 s)".</summary>
    public string Frames(int frames) => string.Create(CultureInfo.InvariantCulture, $"{frames} frames ({frames / FrameRate:0.##} s)");
}
