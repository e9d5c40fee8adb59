using System;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
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
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            // The de-duplication marks go to storage that outlives every silo, as a database would.
            siloBuilder.Services.AddKeyedSingleton<IGrainStorage>(ClusterHandlers.StorageName,
                (services, _) => new SharedGrainStorage(services.GetRequiredService<Serializer>()));
            siloBuilder.Services.AddRecordingHandlersClusterHandlers();
            siloBuilder.Services.AddHoldingHandlersClusterHandlers();
        }
    }
}
