namespace SoundStorm.Trainer.Training;

/// <summary>Linear warm-up from 0 to the peak over <c>warmup</c> steps, then cosine decay to <c>minimum</c> at <c>total</c>.</summary>
internal sealed record LearningRateSchedule(double Peak, int Warmup, int Total, double Minimum)
{
    /// <summary>The rate for 0-based step <paramref name="step"/>.</summary>
    public double At(int step)
    {
        if (Warmup > 0 && step < Warmup) return Peak * (step + 1) / Warmup;
        int span = Math.Max(1, Total - Warmup);
        double progress = Math.Clamp((double)(step - Warmup) / span, 0, 1);
        return Minimum + 0.5 * (Peak - Minimum) * (1 + Math.Cos(Math.PI * progress));
    }
}
