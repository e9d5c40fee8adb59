using System;
using System.Threading.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace ExecutorGen.Orleans.Tests;

/// <summary>Builds in-process test clusters whose silos run the test handlers.</summary>
public static class TestClusters
{
    /// <summary>Starts a cluster of <paramref name="silos"/> silos.</summary>
    public static async Task<TestCluster> StartAsync(int silos)
    {
        var builder = new TestClusterBuilder((short)silos);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    // A call whose silo died fails after the response timeout at the latest; 10 s (default 30 s) keeps the
    // silo-failure test short. Production code picks its own (docs/orleans.md).
    private static readonly TimeSpan s_responseTimeout = TimeSpan.FromSeconds(10);

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
            clientBuilder.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = s_responseTimeout);
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            // The de-duplication marks go to storage that outlives every silo, as a database would.
            SharedMemoryGrainStorage.AddForClusterHandlers(siloBuilder.Services);
            siloBuilder.Services.AddRecordingHandlersClusterHandlers();
            siloBuilder.Services.AddHoldingHandlersClusterHandlers();
            siloBuilder.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = s_responseTimeout);
        }
    }
}
