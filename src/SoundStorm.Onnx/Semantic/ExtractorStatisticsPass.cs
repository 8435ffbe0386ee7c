using Microsoft.ML.OnnxRuntime;
using SoundStorm.Onnx.Packages;
using SoundStorm.Onnx.Sessions;

namespace SoundStorm.Onnx;

/// <summary>The tokenizer's normalisation statistics over a whole input: per-channel mean and (biased) variance.</summary>
internal sealed record ExtractorStatistics(float[] Mean, float[] Variance);

/// <summary>
/// Runs a package's <c>semantic_statistics</c> graph over an input of any length, in chunks that share no frame of the
/// extractor's first convolution, and merges the chunks' moments in float64 — so a semantic graph that takes the
/// statistics as inputs tokenises each chunk of a long input as one pass over the whole would.
/// </summary>
internal sealed class ExtractorStatisticsPass : IDisposable
{
    internal const string MeanName = "extractor_mean", VarianceName = "extractor_variance", FramesName = "extractor_frames";

    /// <summary>Samples per graph call: bounds the convolution output held at once (≈ 16 MB for 128 channels).</summary>
    internal int ChunkSamples { get; set; } = 160_000;

    private readonly InferenceSession _session;
    private readonly string _source;
    private readonly int _kernel, _stride, _channels;

    /// <summary>Takes ownership of <paramref name="session"/>, also when it refuses it (then it is disposed).</summary>
    public ExtractorStatisticsPass(InferenceSession session, string source)
    {
        _session = session;
        _source = source;
        try
        {
            var metadata = session.ModelMetadata.CustomMetadataMap;
            _kernel = MetadataNumber(metadata, source, "extractor_kernel");
            _stride = MetadataNumber(metadata, source, "extractor_stride");
            long channels = session.OutputMetadata.TryGetValue(MeanName, out var mean) && mean.Dimensions.Length == 2 ? mean.Dimensions[1] : -1;
            if (channels <= 0)
                throw new ModelPackageException(source, $"graphs.{GraphNames.SemanticStatistics}.outputs.{MeanName}", "[batch, channels] with a fixed channel count",
                    mean is null ? "no such output" : $"[{string.Join(", ", mean.Dimensions)}]");
            _channels = (int)channels;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Channels the statistics cover.</summary>
    public int Channels => _channels;

    private static int MetadataNumber(Dictionary<string, string> metadata, string source, string key) =>
        metadata.TryGetValue(key, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : throw new ModelPackageException(source, $"graphs.{GraphNames.SemanticStatistics} metadata '{key}'", "a positive integer",
                text is null ? "none" : $"\"{text}\"");

    /// <summary>Statistics of <paramref name="waveform"/> (at least one kernel long: the tokenizer checks 400 samples first).</summary>
    public ExtractorStatistics Compute(ReadOnlySpan<float> waveform, CancellationToken cancellationToken)
    {
        if (waveform.Length < _kernel)
            throw new ArgumentException($"The waveform has {waveform.Length} samples; the tokenizer's first convolution needs {_kernel}.", nameof(waveform));
        long frames = (waveform.Length - _kernel) / _stride + 1;
        long framesPerChunk = Math.Max(1, ChunkSamples / _stride);
        var total = new double[2 * _channels]; // mean, then sum of squared deviations, per channel (Chan et al.'s merge)
        long merged = 0;
        var mean = new float[_channels];
        var variance = new float[_channels];
        var count = new long[1];
        using var meanValue = OrtValue.CreateTensorValueFromMemory(mean, [1, _channels]);
        using var varianceValue = OrtValue.CreateTensorValueFromMemory(variance, [1, _channels]);
        using var countValue = OrtValue.CreateTensorValueFromMemory(count, [1]);
        for (long first = 0; first < frames; first += framesPerChunk)
        {
            long end = Math.Min(frames, first + framesPerChunk);
            int start = checked((int)(first * _stride)), stop = checked((int)((end - 1) * _stride + _kernel));
            unsafe
            {
                fixed (float* samples = waveform[start..stop])
                {
                    using var input = PinnedInput.Waveform(samples, stop - start);
                    GraphRunner.Run(_session, ["waveform"], [input], [MeanName, VarianceName, FramesName], [meanValue, varianceValue, countValue], cancellationToken);
                }
            }
            if (count[0] != end - first)
                throw new ModelPackageException(_source, $"graphs.{GraphNames.SemanticStatistics}.outputs.{FramesName}",
                    $"{end - first} frames for {stop - start} samples (kernel {_kernel}, stride {_stride} from the graph's metadata)", $"{count[0]}");
            Merge(total, merged, mean, variance, count[0]);
            merged += count[0];
        }
        var result = new ExtractorStatistics(new float[_channels], new float[_channels]);
        for (int c = 0; c < _channels; c++)
        {
            result.Mean[c] = (float)total[c];
            result.Variance[c] = (float)(total[_channels + c] / merged);
        }
        return result;
    }

    // Adds a chunk of n frames (its mean and biased variance) to the running mean and sum of squared deviations of m frames.
    private void Merge(double[] total, long m, float[] mean, float[] variance, long n)
    {
        double all = m + n;
        for (int c = 0; c < _channels; c++)
        {
            double delta = mean[c] - total[c];
            total[c] += delta * n / all;
            total[_channels + c] += (double)variance[c] * n + delta * delta * m * n / all;
        }
    }

    public void Dispose() => _session.Dispose();
}
