namespace SoundStorm.Export.Weights;

/// <summary>The tensor lists a <see cref="WeightMismatchException"/> names when a checkpoint does not fit its configuration.</summary>
internal static class WeightProblems
{
    /// <summary>
    /// "missing 2: a, b; misshapen 1: c …" for the lists that are not empty, in the order given, each counted; null when
    /// all are empty (the tensors fit).
    /// </summary>
    public static string? Describe(params (string Kind, string[] Names)[] lists)
    {
        var parts = lists.Where(l => l.Names.Length > 0).Select(l => $"{l.Kind} {l.Names.Length}: {string.Join(", ", l.Names)}").ToArray();
        return parts.Length == 0 ? null : string.Join("; ", parts);
    }
}
