using System;
using System.Threading.Tasks;
using Orleans.Hosting;
using Orleans.TestingHost;
using Xunit;

namespace ExecutorGen.Orleans.Tests;

/// <summary>Silos missing the mark storage or the handler registrations: requests fail at once, saying why.</summary>
public sealed class MisconfiguredSiloTests
{
    [Fact]
    public async Task A_silo_without_the_mark_storage_fails_requests_at_once_instead_of_redelivering_them()
    {
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<NothingRegistered>();
        await using var cluster = builder.Build();
        await cluster.DeployAsync();

        await using var executor = new RecordingHandlersClusterExecutor(cluster.Client);
        var exception = await Assert.ThrowsAnyAsync<Exception>(() => executor.InvokeStepAsync(new StepRequest(Guid.NewGuid().ToString("N"), 0)).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(ClusterHandlers.StorageName, exception.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, executor.GetMetrics().Retried);
        Assert.Equal(1, executor.GetMetrics().DeadLettered);
    }

    [Fact]
    public async Task A_silo_without_any_handler_registration_fails_requests_with_an_explanation()
    {
        var builder = new TestClusterBuilder(1);
        builder.AddSiloBuilderConfigurator<StorageOnly>();
        await using var cluster = builder.Build();
        await cluster.DeployAsync();

        await using var executor = new RecordingHandlersClusterExecutor(cluster.Client);
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => executor.InvokeStepAsync(new StepRequest(Guid.NewGuid().ToString("N"), 0)).WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(RecordingHandlersClusterExecutor.ExecutorName, exception.Message, StringComparison.Ordinal);
        Assert.Contains("ClusterHandlers()", exception.Message, StringComparison.Ordinal);
        Assert.Equal(0, executor.GetMetrics().Retried);
    }

    private sealed class StorageOnly : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => SharedMemoryGrainStorage.AddForClusterHandlers(siloBuilder.Services);
    }

    private sealed class NothingRegistered : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
        }
    }
}
