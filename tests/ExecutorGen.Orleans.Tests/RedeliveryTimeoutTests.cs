using System;
using System.Threading.Tasks;
using ExecutorGen.Tests;
using Xunit;

namespace ExecutorGen.Orleans.Tests;

/// <summary>A cluster that is gone: every call fails, so a request is redelivered until its timeout, then dead-lettered.</summary>
public sealed class RedeliveryTimeoutTests
{
    [Fact]
    public async Task A_request_the_cluster_never_answers_is_redelivered_until_the_timeout_then_dead_lettered()
    {
        await using var cluster = await TestClusters.StartAsync(silos: 1);
        await cluster.StopSiloAsync(cluster.Primary!); // the client stays, with no gateway left

        var sink = new ListSink();
        await using var executor = new RecordingHandlersClusterExecutor(cluster.Client, new ClusterExecutorOptions
        {
            RedeliveryTimeout = TimeSpan.FromSeconds(1),
            RedeliveryDelay = TimeSpan.FromMilliseconds(20),
            DeadLetters = sink,
        });
        await Assert.ThrowsAnyAsync<Exception>(() => executor.InvokeStepAsync(new StepRequest(Guid.NewGuid().ToString("N"), 0)).WaitAsync(TimeSpan.FromSeconds(60)));

        var metrics = executor.GetMetrics();
        Assert.True(metrics.Retried >= 1, $"redelivered {metrics.Retried} times");
        Assert.Equal(1, metrics.DeadLettered);
        var letter = Assert.Single(sink.Letters);
        Assert.Equal(metrics.Retried + 1, letter.Attempts);
    }
}
