using SoundStorm.Onnx;

namespace SoundStorm.Benchmarks.TorchSharp;

/// <summary>How many of two engines' generated codes are equal.</summary>
internal static class TokenAgreement
{
    /// <summary>The percentage of positions where <paramref name="a"/> and <paramref name="b"/> hold the same code.</summary>
    public static double Percent(CodeGrid a, CodeGrid b)
    {
        ReadOnlySpan<long> x = a.AsSpan(), y = b.AsSpan();
        int agree = 0;
        for (int i = 0; i < x.Length; i++)
            if (x[i] == y[i]) agree++;
        return 100.0 * agree / x.Length;
    }
}
