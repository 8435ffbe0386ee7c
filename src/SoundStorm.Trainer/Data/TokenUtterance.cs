namespace SoundStorm.Trainer.Data;

/// <summary>One utterance in memory: semantic ids [T] and acoustic codes [T, Q] (row-major).</summary>
internal sealed record TokenUtterance(string Id, string? Speaker, long[] Semantic, long[] Acoustic, int Codebooks)
{
    /// <summary>Frame count T.</summary>
    public int Frames => Semantic.Length;

    /// <summary>The code of level <paramref name="level"/> at frame <paramref name="frame"/>.</summary>
    public long Code(int frame, int level) => Acoustic[frame * Codebooks + level];
}
