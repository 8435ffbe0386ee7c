namespace SoundStorm.Trainer.Tests.Support;

/// <summary>
/// Tests that redirect the console or run the HuBERT pre-trainer run alone, after the parallel ones. The trainer's
/// dropout draws from libtorch's one process-wide generator, reseeded every step so that a resumed run repeats the
/// straight one; a test on another thread drawing from it between the reseed and the dropout (weight
/// initialisation, say) changes that step's masks, and the bit-for-bit resume check failed that way under CI.
/// </summary>
[CollectionDefinition("Console", DisableParallelization = true)]
public sealed class ConsoleCollection;
