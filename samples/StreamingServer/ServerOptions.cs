using SoundStorm.Onnx;

namespace StreamingServer;

/// <summary>Settings of the sample server. It always listens on 127.0.0.1 only.</summary>
public sealed class ServerOptions
{
    /// <summary>The model package (folder or .zip).</summary>
    public required string PackagePath { get; init; }

    /// <summary>TCP port on 127.0.0.1; 0 picks a free one (read it back with <see cref="ResynthesisServer.Address"/>).</summary>
    public int Port { get; init; } = 5080;

    /// <summary>Largest request body accepted (both uploads together); larger requests get 413.</summary>
    public long MaxRequestBytes { get; init; } = 32L << 20;

    /// <summary>Longest a request may take, upload to last byte of audio; a request past it is cancelled.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Longest the upload (the whole request body) may take to arrive; the connection of a slower one is closed. The
    /// body is read before the request waits for a resynthesis slot, so slow uploads never hold a slot.
    /// </summary>
    public TimeSpan BodyReadTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Resyntheses running at once; more wait in a queue of <see cref="QueueLength"/>, beyond that 503.</summary>
    public int MaxConcurrentRequests { get; init; } = 2;

    /// <summary>Requests that may wait for a free slot.</summary>
    public int QueueLength { get; init; } = 8;

    /// <summary>
    /// Longest source accepted, in seconds: checked from the WAV header before anything is decoded or resampled, so a
    /// tiny upload that claims a long duration (e.g. a few hundred samples at 1 Hz) is refused with 400 at once.
    /// 0: no limit. Default 120 s.
    /// </summary>
    public double MaxSourceSeconds { get; init; } = 120;

    /// <summary>Pipeline settings (execution provider, sampling, prompt length).</summary>
    public PipelineOptions Pipeline { get; init; } = new();
}
