using SoundStorm.Onnx.Generation.MaskGit;

namespace SoundStorm.Onnx.Tests.Generation.MaskGit;

public class CosineMaskScheduleTests
{
    [Theory]
    // Hand-computed: 10·cos(π/32) = 9.95 → 9; 10·cos(π/4) = 7.07 → 7; 4·cos(3π/8) = 1.53 → 1; 1·cos(π/32) → 0.
    [InlineData(10, 1, 16, 9)]
    [InlineData(10, 8, 16, 7)]
    [InlineData(4, 3, 4, 1)]
    [InlineData(1, 1, 16, 0)]
    [InlineData(500, 0, 16, 500)]
    [InlineData(500, 16, 16, 0)]
    [InlineData(7, 1, 1, 0)]
    public void Known_values(int total, int iteration, int iterations, int expected) =>
        Assert.Equal(expected, CosineMaskSchedule.StillMasked(total, iteration, iterations));

    [Fact]
    public void Never_increases_and_ends_at_zero()
    {
        for (int total = 0; total < 60; total++)
            for (int n = 1; n < 20; n++)
            {
                int previous = total;
                for (int i = 1; i <= n; i++)
                {
                    int now = CosineMaskSchedule.StillMasked(total, i, n);
                    Assert.InRange(now, 0, previous);
                    previous = now;
                }
                Assert.Equal(0, previous);
            }
    }
}
