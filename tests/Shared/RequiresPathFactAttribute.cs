namespace SoundStorm.Tests.Shared;

/// <summary>
/// A fact skipped, with the reason, when test material from a system package is absent — unless
/// SOUNDSTORM_REQUIRE_TEST_TOOLS=1 (CI, whose .ci/install-test-tools installs the packages), where the test runs and
/// fails loudly instead. With <c>needsReferenceData</c> it is also skipped when <see cref="ReferenceData"/> is absent.
/// </summary>
public sealed class RequiresPathFactAttribute : FactAttribute
{
    /// <summary>Marks the test as skipped when <paramref name="path"/> (a file or folder of <paramref name="package"/>) is absent.</summary>
    public RequiresPathFactAttribute(string path, string package, bool needsReferenceData = false)
    {
        if (needsReferenceData && !ReferenceData.IsAvailable)
        {
            Skip = ReferenceData.MissingReason;
            return;
        }
        if (!File.Exists(path) && !Directory.Exists(path) && Environment.GetEnvironmentVariable("SOUNDSTORM_REQUIRE_TEST_TOOLS") != "1")
            Skip = $"{path} is absent: install the Debian package '{package}' (apt-get install -y {package}) to run this test.";
    }
}
