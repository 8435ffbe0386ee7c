namespace SoundStorm.Trainer.Tests.Support;

/// <summary>A fact that is skipped, saying which Debian package provides it, when a test file is not installed.</summary>
public sealed class RequiresPathFactAttribute : FactAttribute
{
    public RequiresPathFactAttribute(string path, string package, bool needsReferenceData = false)
    {
        if (needsReferenceData && !SoundStorm.Tests.Shared.ReferenceData.IsAvailable)
        {
            Skip = SoundStorm.Tests.Shared.ReferenceData.MissingReason;
            return;
        }
        if (!File.Exists(path) && !Directory.Exists(path))
            Skip = $"{path} is absent: install the Debian package '{package}' (apt-get install -y {package}) to run this test.";
    }
}
