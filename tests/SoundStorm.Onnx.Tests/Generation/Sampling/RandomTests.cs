using SoundStorm.Onnx.Generation.Sampling;

namespace SoundStorm.Onnx.Tests.Generation.Sampling;

public class RandomTests
{
    [Fact]
    public void SplitMix64_matches_the_published_first_output_for_seed_0() =>
        Assert.Equal(0xE220A8397B1DCDAFUL, new SplitMix64(0).Next());

    [Fact]
    public void Xoshiro_matches_hand_computed_outputs_from_state_1_2_3_4()
    {
        // Output 1: rotl(2·5, 7)·9 = 1280·9. After one update s1 = 2 ^ (3 ^ 1) = 0, so output 2 = 0.
        var rng = Xoshiro256StarStar.FromState(1, 2, 3, 4);
        Assert.Equal(11520UL, rng.NextUInt64());
        Assert.Equal(0UL, rng.NextUInt64());
    }

    [Fact]
    public void Unit_draws_have_the_uniform_mean_and_gumbel_draws_the_gumbel_mean()
    {
        var rng = new Xoshiro256StarStar(7);
        double sumU = 0, sumG = 0;
        const int n = 200_000;
        for (int i = 0; i < n; i++)
        {
            double u = rng.NextOpenUnit();
            Assert.InRange(u, double.Epsilon, 1 - 1e-17);
            sumU += u;
            sumG += rng.NextGumbel();
        }
        Assert.Equal(0.5, sumU / n, 0.005);
        Assert.Equal(0.5772156649, sumG / n, 0.01); // Euler–Mascheroni constant
    }

    [Fact]
    public void Filling_a_row_draws_the_same_numbers_as_one_call_per_entry_and_leaves_the_same_state()
    {
        var one = new Xoshiro256StarStar(11);
        var filled = new Xoshiro256StarStar(11);
        var row = new double[1027];
        filled.FillOpenUnit(row.AsSpan(0, 3)); // a short fill first: the state carries over between fills
        filled.FillOpenUnit(row.AsSpan(3));
        for (int i = 0; i < row.Length; i++) Assert.Equal(one.NextOpenUnit(), row[i]);
        Assert.Equal(one.NextUInt64(), filled.NextUInt64());
    }
}
