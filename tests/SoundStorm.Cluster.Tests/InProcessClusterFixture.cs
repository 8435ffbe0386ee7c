using Cluster;
using Orleans.TestingHost;

namespace SoundStorm.Cluster.Tests;

/// <summary>
/// Three silos in this process (Orleans' TestCluster), each loading the default model once, with one running slot
/// and a queue of one each, so that back-pressure is easy to reach. Short windows and few iterations keep calls fast.
/// </summary>
public sealed class InProcessClusterFixture : IAsyncLifetime
{
    public const int Running = 1, QueueLimit = 1;

    /// <summary>The settings every silo uses, and the single-process reference too.</summary>
    public static PipelineOptions Options()
    {
        var options = SiloModel.ServingOptions(firstLevelIterations: 4, windowSeconds: 1);
        options.MaxPromptSeconds = 0.6; // a prompt must leave room in a 1 s window
        return options;
    }

    public TestCluster Cluster { get; } = new TestClusterBuilder(3).AddSiloBuilderConfigurator<Silos>().AddClientBuilderConfigurator<Client>().Build();

    public Task InitializeAsync() => Cluster.DeployAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class Silos : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) =>
            siloBuilder.Services.AddSpeechWorkers(_ => new SiloModel(TestAudio.Package, Options()), Running, QueueLimit);
    }

    // A window takes well under a second on an idle machine; the generous limit is for a CI machine shared with other
    // test runs, where a late answer would fail the test without saying anything about the cluster.
    private sealed class Client : IClientBuilderConfigurator
    {
        public void Configure(Microsoft.Extensions.Configuration.IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder.Configure<Orleans.Configuration.ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(2));
    }
}
