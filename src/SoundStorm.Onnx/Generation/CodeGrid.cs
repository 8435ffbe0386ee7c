namespace SoundStorm.Onnx;

/// <summary>
/// Codec codes laid out [frames, Q]: frame f holds one code per codebook, codebook 0 (coarsest) first. Stored
/// frame-major in one flat array, the layout the codec graphs take, so grids pass to and from ONNX Runtime and are
/// cut and joined by frames without copying code by code. Used for prompts, generation results and codec
/// encode/decode alike.
/// </summary>
/// <remarks>
/// <see cref="Slice"/> returns a view that shares the codes with the grid it was cut from, as
/// <see cref="Span{T}.Slice(int, int)"/> does. Two grids are equal when they have the same shape and the same codes.
/// </remarks>
public sealed class CodeGrid : IEquatable<CodeGrid>
{
    private readonly long[] _codes;
    private readonly int _start;

    /// <summary>A grid of <paramref name="frames"/> × <paramref name="codebooks"/> codes, all zero.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative, or <paramref name="codebooks"/> is zero.</exception>
    public CodeGrid(int frames, int codebooks)
        : this(new long[checked(NonNegative(frames) * Positive(codebooks))], 0, frames, codebooks)
    {
    }

    /// <summary>
    /// A grid over <paramref name="codes"/>, frame-major (frame f's codes at f·Q .. f·Q + Q − 1); the array is used
    /// in place, not copied.
    /// </summary>
    /// <exception cref="ArgumentException">The length is not a whole number of frames of <paramref name="codebooks"/> codes.</exception>
    public CodeGrid(long[] codes, int codebooks)
        : this(codes, 0, WholeFrames(codes, Positive(codebooks)), codebooks)
    {
    }

    // A view of `frames` frames starting at element `start` of the array.
    private CodeGrid(long[] codes, int start, int frames, int codebooks)
    {
        (_codes, _start, Frames, Codebooks) = (codes, start, frames, codebooks);
    }

    private static int NonNegative(int frames)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frames);
        return frames;
    }

    private static int Positive(int codebooks)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(codebooks);
        return codebooks;
    }

    private static int WholeFrames(long[] codes, int codebooks)
    {
        ArgumentNullException.ThrowIfNull(codes);
        if (codes.Length % codebooks != 0)
            throw new ArgumentException($"The codes must be whole frames of {codebooks} codebooks; found {codes.Length} codes ({codes.Length % codebooks} left over).", nameof(codes));
        return codes.Length / codebooks;
    }

    /// <summary>Frames (rows).</summary>
    public int Frames { get; }

    /// <summary>Codes per frame (Q).</summary>
    public int Codebooks { get; }

    /// <summary>The code of codebook <paramref name="codebook"/> at frame <paramref name="frame"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The frame or the codebook is outside the grid.</exception>
    public long this[int frame, int codebook]
    {
        get => _codes[Offset(frame, codebook)];
        set => _codes[Offset(frame, codebook)] = value;
    }

    /// <summary>All codes, frame-major (Frames · Q of them).</summary>
    public Span<long> AsSpan() => _codes.AsSpan(_start, Frames * Codebooks);

    /// <summary>Frames [<paramref name="start"/>, <paramref name="start"/> + <paramref name="frames"/>) as a view sharing these codes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the grid.</exception>
    public CodeGrid Slice(int start, int frames)
    {
        if ((uint)start > (uint)Frames || (uint)frames > (uint)(Frames - start))
            throw new ArgumentOutOfRangeException(nameof(frames), $"Frames {start}..{start + frames} are not inside a grid of {Frames} frames.");
        return new CodeGrid(_codes, _start + start * Codebooks, frames, Codebooks);
    }

    /// <inheritdoc />
    public bool Equals(CodeGrid? other) =>
        other is not null && other.Frames == Frames && other.Codebooks == Codebooks && AsSpan().SequenceEqual(other.AsSpan());

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as CodeGrid);

    /// <summary>A hash of the shape only (the codes may change while the grid is in a set).</summary>
    public override int GetHashCode() => HashCode.Combine(Frames, Codebooks);

    /// <summary>The shape, as <c>CodeGrid [frames, Q]</c>.</summary>
    public override string ToString() => $"CodeGrid [{Frames}, {Codebooks}]";

    private int Offset(int frame, int codebook)
    {
        if ((uint)frame >= (uint)Frames || (uint)codebook >= (uint)Codebooks)
            throw new ArgumentOutOfRangeException(nameof(frame), $"[{frame}, {codebook}] is outside a grid of [{Frames}, {Codebooks}].");
        return _start + frame * Codebooks + codebook;
    }
}
