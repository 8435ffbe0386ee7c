namespace SoundStorm.Export.Checkpoints;

/// <summary>Element type of a <see cref="CheckpointTensor"/>.</summary>
public enum CheckpointDType
{
    /// <summary>IEEE 754 binary32.</summary>
    F32,
    /// <summary>IEEE 754 binary16.</summary>
    F16,
    /// <summary>bfloat16 (the upper half of a binary32).</summary>
    BF16,
    /// <summary>IEEE 754 binary64.</summary>
    F64,
    /// <summary>Signed 64-bit integer.</summary>
    I64,
    /// <summary>Signed 32-bit integer.</summary>
    I32,
    /// <summary>Signed 16-bit integer.</summary>
    I16,
    /// <summary>Signed 8-bit integer.</summary>
    I8,
    /// <summary>Unsigned 8-bit integer.</summary>
    U8,
    /// <summary>Boolean stored as one byte (0 or 1).</summary>
    Bool,
}

/// <summary>Sizes and names of <see cref="CheckpointDType"/> values.</summary>
public static class CheckpointDTypeExtensions
{
    /// <summary>Bytes per element.</summary>
    /// <param name="dtype">The element type.</param>
    public static int ItemSize(this CheckpointDType dtype) => dtype switch
    {
        CheckpointDType.F64 or CheckpointDType.I64 => 8,
        CheckpointDType.F32 or CheckpointDType.I32 => 4,
        CheckpointDType.F16 or CheckpointDType.BF16 or CheckpointDType.I16 => 2,
        CheckpointDType.I8 or CheckpointDType.U8 or CheckpointDType.Bool => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };

    /// <summary>Whether the type holds floating-point values.</summary>
    /// <param name="dtype">The element type.</param>
    public static bool IsFloatingPoint(this CheckpointDType dtype) =>
        dtype is CheckpointDType.F32 or CheckpointDType.F16 or CheckpointDType.BF16 or CheckpointDType.F64;
}
