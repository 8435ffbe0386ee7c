namespace SoundStorm.Trainer.Training;

/// <summary>The training loss of one step.</summary>
/// <param name="Step">1-based step number.</param>
/// <param name="Loss">Mean cross-entropy over the batch's masked positions.</param>
/// <param name="LearningRate">Rate used for the update.</param>
/// <param name="GradNorm">Global gradient norm before clipping.</param>
internal sealed record StepRecord(int Step, double Loss, double LearningRate, double GradNorm);

/// <summary>Validation after <paramref name="Step"/> steps: per level the loss and the masked-token accuracy.</summary>
internal sealed record ValidationRecord(int Step, double[] Loss, double[] Accuracy);
