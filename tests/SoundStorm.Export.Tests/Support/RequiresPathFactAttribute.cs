namespace SoundStorm.Export.Tests.Support;

/// <summary>
/// A fact skipped, with the reason, when test material from a system package is absent — unless
/// SOUNDSTORM_REQUIRE_TEST_TOOLS=1 (CI), where the test runs and fails loudly instead.
/// </summary>
public sealed class RequiresPathFactAttribute : FactAttribute
{
    public RequiresPathFactAttribute(string path, string package, bool needsReferenceData = false)
    {
        if (needsReferenceData && !SoundStorm.Tests.Shared.ReferenceData.IsAvailable)
        {
            Skip = SoundStorm.Tests.Shared.ReferenceData.MissingReason;
            return;
        }
        if (!File.Exists(path) && !Directory.Exists(path) && !TestTools.Required)
            Skip = $"{path} is absent: install the Debian package '{package}' (apt-get install -y {package}) to run this test.";
    }
}
