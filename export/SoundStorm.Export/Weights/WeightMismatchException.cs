namespace SoundStorm.Export.Weights;

/// <summary>A weight is missing, misshapen, or left over when a graph is written from a set of weights.</summary>
public sealed class WeightMismatchException : Exception
{
    /// <summary>Creates the exception with a message naming the tensors.</summary>
    public WeightMismatchException(string message) : base(message) { }
}
