using System.Runtime.Intrinsics.X86;

namespace SoundStorm.Benchmarks.Tests.Autoregressive;

/// <summary>A fact that needs AVX-VNNI, skipped on CPUs without it (where only the portable path runs).</summary>
public sealed class AvxVnniFactAttribute : FactAttribute
{
    public AvxVnniFactAttribute()
    {
        if (!AvxVnni.IsSupported) Skip = "This CPU has no AVX-VNNI: the int8 attention's portable path is the only one to test here.";
    }
}
