using SoundStorm.Trainer.Training;

namespace SoundStorm.Trainer.Paper;

/// <summary>What a run produced: the loss curve, the validation records and the last checkpoint written.</summary>
internal sealed record TrainingResult(IReadOnlyList<StepRecord> History, IReadOnlyList<ValidationRecord> Validations, string CheckpointPath, int Step);

/// <summary>Validation after <paramref name="Step"/> steps: per level the loss and the masked-token accuracy.</summary>
internal sealed record ValidationRecord(int Step, double[] Loss, double[] Accuracy);
