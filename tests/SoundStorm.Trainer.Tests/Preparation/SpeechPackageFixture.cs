namespace SoundStorm.Trainer.Tests.Preparation;

/// <summary>
/// The package <c>prepare</c> needs (semantic and codec graphs from the real reference checkpoints, plus a small
/// acoustic model a package must have): the shared <see cref="FullPackageFixture"/>, built once per test class.
/// </summary>
public sealed class SpeechPackageFixture : IDisposable
{
    private readonly TempFolder _temp = new();

    public SpeechPackageFixture() => PackageFolder = FullPackageFixture.Build(_temp.Sub("work"));

    public string PackageFolder { get; }

    public void Dispose() => _temp.Dispose();
}
