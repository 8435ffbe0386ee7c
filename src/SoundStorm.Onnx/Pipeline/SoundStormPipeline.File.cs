using System.Runtime.InteropServices;
using SoundStorm.Onnx.Audio;

namespace SoundStorm.Onnx;

public sealed partial class SoundStormPipeline
{
    private const int FileBlockSamples = 1 << 16;

    /// <summary>
    /// <see cref="ResynthesizeAsync"/> straight into a 16-bit WAV file, for sources of any length in memory that does
    /// not grow with them: the audio is generated window by window (<see cref="ResynthesizeStreamingAsync"/>) into a
    /// temporary file beside <paramref name="outputPath"/>, then peak-normalised (with
    /// <see cref="PipelineOptions.NormalizeOutput"/>) into the WAV. The file holds the samples
    /// <see cref="ResynthesizeAsync"/> returns, to float rounding (the codec decodes window by window); it replaces <paramref name="outputPath"/> only once complete, and a
    /// failure or cancellation leaves nothing behind.
    /// </summary>
    /// <returns>The length of the audio written.</returns>
    /// <exception cref="ArgumentException">An input is too short (under one token frame), not finite, or longer than <see cref="PipelineOptions.MaxInputSeconds"/>.</exception>
    public async Task<TimeSpan> ResynthesizeToFileAsync(AudioClip source, AudioClip? prompt, string outputPath,
        IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        string fullPath = Path.GetFullPath(outputPath);
        string folder = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{outputPath}' has no folder.", nameof(outputPath));
        string samples = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.f32");
        try
        {
            long frames = 0;
            float peak = 0;
            using (var raw = new FileStream(samples, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                await foreach (var piece in ResynthesizeStreamingAsync(source, prompt, progress, cancellationToken).ConfigureAwait(false))
                {
                    var mono = piece.GetChannel(0);
                    peak = Math.Max(peak, Loudness.Peak(mono.Span));
                    raw.Write(MemoryMarshal.AsBytes(mono.Span));
                    frames += mono.Length;
                    CompactLargeObjects();
                }
            }
            cancellationToken.ThrowIfCancellationRequested();
            float gain = _options.NormalizeOutput ? Loudness.PeakGain(peak, OutputPeakDbfs) : 1f;
            WavWriter.WriteMono(fullPath, SampleRate, frames, ReadScaled(samples, gain));
            return TimeSpan.FromSeconds(frames / (double)SampleRate);
        }
        finally
        {
            File.Delete(samples);
        }
    }

    // Every window allocates its audio, features and codes afresh, large enough for the large-object heap, which the
    // collector compacts rarely: over a long file the holes between them made peak memory grow with the input (10 min
    // of speech peaked 1.40× the 30 s figure). A compacting collection after every window — tens of milliseconds against
    // seconds of work per window — keeps it flat (1.26×; every fourth window: 1.32×).
    private static void CompactLargeObjects()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    // The float samples of a raw file, in blocks, each multiplied by gain (as NormalizePeak multiplies them).
    private static IEnumerable<ReadOnlyMemory<float>> ReadScaled(string path, float gain)
    {
        using var raw = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None, 1 << 16);
        var block = new float[FileBlockSamples];
        int count;
        while ((count = raw.ReadAtLeast(MemoryMarshal.AsBytes(block.AsSpan()), block.Length * sizeof(float), throwOnEndOfStream: false) / sizeof(float)) > 0)
        {
            if (gain != 1f) System.Numerics.Tensors.TensorPrimitives.Multiply(block.AsSpan(0, count), gain, block.AsSpan(0, count));
            yield return block.AsMemory(0, count);
        }
    }
}
