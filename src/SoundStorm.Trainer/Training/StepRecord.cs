namespace SoundStorm.Trainer.Training;

/// <summary>The training loss of one step.</summary>
/// <param name="Step">1-based step number.</param>
/// <param name="Loss">The loss that was minimised (the family's: masked cross-entropy, diffusion loss).</param>
/// <param name="LearningRate">Rate used for the update.</param>
/// <param name="GradNorm">Global gradient norm before clipping.</param>
internal sealed record StepRecord(int Step, double Loss, double LearningRate, double GradNorm);

