namespace SoundStorm.Export.Checkpoints;

/// <summary>
/// Turns torch's (storage, storage_offset, size, stride) description of a tensor into contiguous row-major bytes.
/// Contiguous tensors share the storage's bytes; views (transposed, sliced, expanded with stride 0) are copied.
/// </summary>
internal static class TorchTensorView
{
    private const int MaxDims = 64;

    /// <summary>
    /// Views larger than their storage (stride-0 expansions) are materialised only up to this size, so a few bytes
    /// of a corrupt or hostile file cannot demand gigabytes.
    /// </summary>
    private const long MaxExpansionBytes = 64L << 20;

    internal static CheckpointTensor Materialize(TorchStorage storage, long offset, long[] size, long[] stride, string source)
    {
        string where = $"{source}: tensor on storage '{storage.Key}'";
        if (size.Length != stride.Length || size.Length > MaxDims)
        {
            throw new CheckpointFormatException($"{where}: size has {size.Length} dims but stride has {stride.Length} (at most {MaxDims}).");
        }

        if (offset < 0 || size.Any(d => d < 0) || stride.Any(s => s < 0))
        {
            throw new CheckpointFormatException(
                $"{where}: negative storage_offset {offset}, size [{string.Join(", ", size)}] or stride [{string.Join(", ", stride)}].");
        }

        int item = storage.DType.ItemSize();
        long count = CheckpointTensor.CountElements(size) is { } n && n <= Array.MaxLength / item
            ? n
            : throw new CheckpointFormatException($"{where}: size [{string.Join(", ", size)}] is too large.");
        if (count == 0) return new CheckpointTensor("", storage.DType, size, ReadOnlyMemory<byte>.Empty);

        long last = offset;
        try
        {
            for (int d = 0; d < size.Length; d++) last = checked(last + (size[d] - 1) * stride[d]);
        }
        catch (OverflowException)
        {
            last = long.MaxValue;
        }

        if (last >= storage.ElementCount)
        {
            throw new CheckpointFormatException(
                $"{where}: offset {offset}, size [{string.Join(", ", size)}], stride [{string.Join(", ", stride)}] reach element {last}, but the storage has {storage.ElementCount}.");
        }

        if (count * item > Math.Max(storage.Bytes.Length, MaxExpansionBytes))
        {
            throw new CheckpointFormatException(
                $"{where}: an expanded view of {count * item} bytes from a storage of {storage.Bytes.Length} bytes exceeds the {MaxExpansionBytes}-byte limit.");
        }

        if (IsContiguous(size, stride))
        {
            return new CheckpointTensor("", storage.DType, size, storage.Bytes.Slice((int)(offset * item), (int)(count * item)));
        }

        return new CheckpointTensor("", storage.DType, size, Gather(storage.Bytes.Span, item, offset, size, stride, count));
    }

    /// <summary>Row-major contiguous: each stride equals the product of the later sizes (size-1 dims may have any stride).</summary>
    private static bool IsContiguous(long[] size, long[] stride)
    {
        long expected = 1;
        for (int d = size.Length - 1; d >= 0; d--)
        {
            if (size[d] != 1 && stride[d] != expected) return false;
            expected *= size[d];
        }

        return true;
    }

    private static byte[] Gather(ReadOnlySpan<byte> source, int item, long offset, long[] size, long[] stride, long count)
    {
        var result = new byte[count * item];
        int dims = size.Length;
        var index = new long[dims];
        long position = offset;
        for (long e = 0; e < count; e++)
        {
            source.Slice((int)(position * item), item).CopyTo(result.AsSpan((int)(e * item), item));

            // Odometer step over the index, last dimension fastest.
            for (int d = dims - 1; d >= 0; d--)
            {
                if (++index[d] < size[d])
                {
                    position += stride[d];
                    break;
                }

                position -= (size[d] - 1) * stride[d];
                index[d] = 0;
            }
        }

        return result;
    }
}
