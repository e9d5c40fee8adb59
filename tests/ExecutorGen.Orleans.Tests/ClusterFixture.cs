using System.Threading.Tasks;
using Orleans.TestingHost;
using Xunit;

namespace ExecutorGen.Orleans.Tests;

/// <summary>One single-silo cluster shared by the behaviour tests of a class.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await TestClusters.StartAsync(silos: 1);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
