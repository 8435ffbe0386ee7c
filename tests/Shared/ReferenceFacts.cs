namespace SoundStorm.Tests.Shared;

/// <summary>A fact that needs <see cref="ReferenceData"/>: skipped, saying why, when the reference folder is absent.</summary>
public sealed class ReferenceFactAttribute : FactAttribute
{
    /// <summary>Marks the test as skipped when there is no reference data.</summary>
    public ReferenceFactAttribute()
    {
        if (!ReferenceData.IsAvailable) Skip = ReferenceData.MissingReason;
    }
}

/// <summary>A theory that needs <see cref="ReferenceData"/>: skipped, saying why, when the reference folder is absent.</summary>
public sealed class ReferenceTheoryAttribute : TheoryAttribute
{
    /// <summary>Marks the test as skipped when there is no reference data.</summary>
    public ReferenceTheoryAttribute()
    {
        if (!ReferenceData.IsAvailable) Skip = ReferenceData.MissingReason;
    }
}
