using SoundStorm.Tests.Shared.LocalCluster;

namespace SoundStorm.Cluster.Tests;

/// <summary>
/// A fact that needs Debian's redis-server: skipped, saying how to install it, when it is absent — unless
/// SOUNDSTORM_REQUIRE_TEST_TOOLS=1 (CI, whose .ci/install-test-tools installs it), where the test runs and fails.
/// </summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (!RedisServer.IsInstalled && Environment.GetEnvironmentVariable("SOUNDSTORM_REQUIRE_TEST_TOOLS") != "1")
            Skip = $"{RedisServer.Executable} is absent: install the Debian package 'redis-server' (apt-get install -y redis-server) to run this test.";
    }
}
