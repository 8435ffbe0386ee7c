namespace SoundStorm.Trainer.Tests.Support;

/// <summary>
/// The bit-for-bit resume tests rely on MKL's reproducible mode, which only the test host's environment can switch
/// on (trainer-tests.runsettings, named by the project file): this fails if the settings stop reaching it.
/// </summary>
public sealed class ReproducibleMathSettingsTests
{
    [Theory]
    [InlineData("MKL_CBWR", "AUTO")]
    [InlineData("MKL_DYNAMIC", "FALSE")]
    [InlineData("OMP_DYNAMIC", "FALSE")]
    public void Test_host_runs_mkl_reproducibly(string variable, string expected) =>
        Assert.Equal(expected, Environment.GetEnvironmentVariable(variable));
}
