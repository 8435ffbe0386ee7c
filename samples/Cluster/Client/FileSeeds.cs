namespace Cluster;

/// <summary>
/// A seed per input file: the run's seed mixed with the file's name (FNV-1a), so a file gets the same seed on every
/// run and every silo (a resumed run writes what the first would have) while files differ from each other.
/// </summary>
public static class FileSeeds
{
    /// <summary>The seed of the file named <paramref name="fileName"/> in a run with seed <paramref name="runSeed"/>.</summary>
    public static ulong For(ulong runSeed, string fileName)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in fileName)
            hash = unchecked((hash ^ c) * 1099511628211UL);
        return runSeed ^ hash;
    }
}
