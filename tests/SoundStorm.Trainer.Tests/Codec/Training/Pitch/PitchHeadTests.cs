using SoundStorm.Trainer.Codec.Training.Pitch;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Tests.Codec.Training.Pitch;

/// <summary>The auxiliary pitch loss against a float64 computation of its definition.</summary>
public sealed class PitchHeadTests
{
    [Fact]
    public void Loss_is_voicing_cross_entropy_plus_voiced_frame_log_f0_l1()
    {
        using var scope = NewDisposeScope();
        // Batch 2 × 3 frames: channel 0 = log F0 − ln 150, channel 1 = voicing logit.
        double[,,] output = { { { 0.1, -0.2, 0.5 }, { 2.0, -1.0, 0.3 } }, { { 0.0, 0.4, -0.3 }, { -0.5, 1.5, 0.0 } } };
        double[,] logF0 = { { Math.Log(160), 0, Math.Log(240) }, { 0, Math.Log(200), Math.Log(120) } };
        double[,] voiced = { { 1, 0, 1 }, { 0, 1, 1 } };
        double bce = 0, l1 = 0, count = 0;
        for (int b = 0; b < 2; b++)
            for (int t = 0; t < 3; t++)
            {
                double z = output[b, 1, t], y = voiced[b, t], p = 1 / (1 + Math.Exp(-z));
                bce -= y * Math.Log(p) + (1 - y) * Math.Log(1 - p);
                if (y == 1) { l1 += Math.Abs(output[b, 0, t] + Math.Log(150) - logF0[b, t]); count++; }
            }
        double expected = bce / 6 + l1 / count;

        var loss = PitchHead.Loss(tensor(output.Cast<double>().Select(v => (float)v).ToArray(), 2, 2, 3),
            tensor(logF0.Cast<double>().Select(v => (float)v).ToArray(), 2, 3), tensor(voiced.Cast<double>().Select(v => (float)v).ToArray(), 2, 3));
        Assert.Equal(expected, loss.item<float>(), 5);

        // No voiced frame: the cross-entropy alone, no division by zero.
        var silent = PitchHead.Loss(zeros(1, 2, 4), zeros(1, 4), zeros(1, 4));
        Assert.Equal(Math.Log(2), silent.item<float>(), 5);
    }
}
