
namespace SoundStorm.Onnx;

/// <summary>Settings of <see cref="SoundStormPipeline"/>; every default follows the seed implementation's inference.</summary>
public sealed class PipelineOptions
{
    /// <summary>Execution provider and threading for every graph.</summary>
    public SessionSettings Session { get; set; } = new();

    /// <summary>Sampling settings for the acoustic model.</summary>
    public GenerationOptions Generation { get; set; } = new();

    /// <summary>Longest voice prompt used, in seconds (the seed uses 3 s); longer prompts are cut to their start.</summary>
    public double MaxPromptSeconds { get; set; } = 3;

    /// <summary>
    /// Sources longer than one window are generated in windows of this many seconds (prompt included), each conditioned
    /// on the end of the one before. 0 (default): 30 s, or the model's one-pass limit when that is shorter. A window
    /// longer than the model's limit is refused when the pipeline is created.
    /// </summary>
    public double WindowSeconds { get; set; }

    /// <summary>Seconds of each window's end carried into the next window as its prompt.</summary>
    public double WindowOverlapSeconds { get; set; } = 3;

    /// <summary>
    /// When positive, sources longer than this many seconds are refused with an <see cref="ArgumentException"/> naming
    /// the limit and the duration found, before any work is done: for applications that take audio from untrusted users.
    /// 0 (default): any length (memory does not grow with it; time does).
    /// </summary>
    public double MaxInputSeconds { get; set; }

    /// <summary>Rescale the output so its peak is 0.99 (as the seed does after decoding).</summary>
    public bool NormalizeOutput { get; set; } = true;
}
