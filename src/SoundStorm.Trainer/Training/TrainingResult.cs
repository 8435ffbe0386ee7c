namespace SoundStorm.Trainer.Training;

/// <summary>What a run produced: the loss curve, the validation records and the last checkpoint written.</summary>
internal sealed record TrainingResult(IReadOnlyList<StepRecord> History, IReadOnlyList<ValidationRecord> Validations, string CheckpointPath, int Step);
