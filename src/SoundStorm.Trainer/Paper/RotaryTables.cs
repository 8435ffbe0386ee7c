using SoundStorm.Trainer.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Paper;

/// <summary>
/// Rotary position tables, "rotate half" convention (as the ONNX writer's <c>Rotary</c>): frequency i &lt; d/2 pairs
/// feature i with feature i + d/2. Inverse frequencies are rounded to float32 exactly as the writer does.
/// </summary>
internal static class RotaryTables
{
    /// <summary>cos and sin [T, headDim] for positions 0..T−1.</summary>
    public static (Tensor Cos, Tensor Sin) Create(long frames, long headDim, float theta, Device? device = null)
    {
        var inverse = new float[headDim];
        for (long i = 0; i < headDim / 2; i++)
            inverse[i] = inverse[i + headDim / 2] = (float)Math.Pow(theta, -2.0 * i / headDim);
        Tensor positions = arange(HeldScalars.Of(0), HeldScalars.Of(frames), HeldScalars.Of(1), dtype: float32, device: device).unsqueeze(1);
        Tensor angles = positions * tensor(inverse, device: device).unsqueeze(0);
        return (angles.cos(), angles.sin());
    }

    /// <summary>x·cos + rotate_half(x)·sin for x [B, H, T, headDim].</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        long half = x.shape[3] / 2;
        Tensor rotated = cat(new[] { x[.., .., .., (int)half..].neg(), x[.., .., .., ..(int)half] }, 3);
        return x * cos + rotated * sin;
    }
}
