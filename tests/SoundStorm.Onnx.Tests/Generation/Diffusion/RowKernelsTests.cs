using System.Numerics.Tensors;
using SoundStorm.Onnx.Generation.Diffusion;

namespace SoundStorm.Onnx.Tests.Generation.Diffusion;

/// <summary>
/// The sampler's one-pass row kernels give the same bits as the TensorPrimitives passes they replace, over row lengths
/// with and without a scalar tail, values beyond both clamp bounds, and ties for the argmax.
/// </summary>
public sealed class RowKernelsTests
{
    public static TheoryData<int> Lengths => new() { 1, 7, 16, 17, 1026, 1027 };

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Offset_and_clamp_to_float_equals_the_add_max_min_convert_passes(int n)
    {
        var random = new Random(n);
        for (int row = 0; row < 30; row++)
        {
            var x = Enumerable.Range(0, n).Select(_ => (random.NextDouble() - 0.5) * 200).ToArray();
            double offset = (random.NextDouble() - 0.5) * 20;
            var expected = new float[n];
            var work = (double[])x.Clone();
            TensorPrimitives.Add(work, offset, work);
            TensorPrimitives.Max(work, -70.0, work);
            TensorPrimitives.Min(work, 0.0, work);
            TensorPrimitives.ConvertChecked<double, float>(work, expected);
            var actual = new float[n];
            RowKernels.OffsetClampToFloat(x, offset, -70, actual);
            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Scale_and_shift_equals_a_multiply_pass_then_an_add_pass(int n)
    {
        var random = new Random(n + 100);
        var p = Enumerable.Range(0, n).Select(_ => random.NextDouble() * random.NextDouble()).ToArray();
        double scale = random.NextDouble() * 3, shift = random.NextDouble() * 1e-3;
        var expected = new double[n];
        TensorPrimitives.Multiply(p, scale, expected);
        TensorPrimitives.Add(expected, shift, expected);
        var actual = new double[n];
        RowKernels.ScaleShift(p, scale, shift, actual);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Argmax_of_the_difference_is_the_first_maximum_as_index_of_max_finds_it(int n)
    {
        var random = new Random(n + 200);
        for (int row = 0; row < 200; row++)
        {
            // A coarse grid makes equal maxima common, in any lane and in the tail.
            bool ties = row % 2 == 0;
            var scores = Enumerable.Range(0, n).Select(_ => ties ? random.Next(4) : (float)(random.NextDouble() * -10)).ToArray();
            var noise = Enumerable.Range(0, n).Select(_ => ties ? random.Next(2) * 0.5 : random.NextDouble() * 3 - 1).ToArray();
            var difference = new double[n];
            TensorPrimitives.ConvertChecked(scores, difference);
            TensorPrimitives.Subtract(difference, noise, difference);
            Assert.Equal(TensorPrimitives.IndexOfMax<double>(difference), RowKernels.ArgMaxOfDifference(scores, noise));
        }
    }
}
