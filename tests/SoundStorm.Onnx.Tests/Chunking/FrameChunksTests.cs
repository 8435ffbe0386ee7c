using SoundStorm.Onnx.Chunking;

namespace SoundStorm.Onnx.Tests.Chunking;

/// <summary>The chunk plan every chunked graph run follows: each frame kept exactly once, runs bounded, context where the input has it.</summary>
public class FrameChunksTests
{
    [Theory]
    [InlineData(1, 10, 3)]
    [InlineData(16, 10, 3)] // fits in one run of 10 + 2·3
    [InlineData(17, 10, 3)]
    [InlineData(1000, 64, 16)]
    [InlineData(1001, 1000, 150)]
    public void Every_frame_is_kept_once_and_no_run_exceeds_core_plus_twice_the_context(int frames, int core, int context)
    {
        var chunks = FrameChunks.Plan(frames, core, context).ToList();
        Assert.Equal(FrameChunks.Count(frames, core, context), chunks.Count);
        Assert.Equal(0, chunks[0].KeepStart);
        Assert.Equal(frames, chunks[^1].KeepEnd);
        for (int i = 1; i < chunks.Count; i++) Assert.Equal(chunks[i - 1].KeepEnd, chunks[i].KeepStart);
        Assert.All(chunks, c =>
        {
            Assert.InRange(c.RunEnd - c.RunStart, 1, core + 2 * context);
            Assert.True(c.RunStart <= c.KeepStart && c.KeepEnd <= c.RunEnd);
            // Context on each side is the full amount unless the input ends first.
            Assert.Equal(Math.Min(context, c.KeepStart), c.KeepStart - c.RunStart);
            Assert.Equal(Math.Min(context, frames - c.KeepEnd), c.RunEnd - c.KeepEnd);
        });
    }

    [Fact]
    public void An_input_that_fits_in_one_run_is_not_cut()
    {
        var chunk = Assert.Single(FrameChunks.Plan(1300, 1000, 150));
        Assert.Equal(new FrameChunk(0, 1300, 0, 1300), chunk);
    }
}
