using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Orleans.TestingHost;
using Xunit;
using Xunit.Abstractions;

namespace ExecutorGen.Orleans.Tests;

/// <summary>
/// The issue's acceptance runs: three silos in one process, 100,000 requests over 1,000 keys through the generated
/// cluster executor; then the same with one silo taken down mid-stream. Each key's executions, as recorded by the
/// handlers on whichever silo ran them, must be exactly the submitted sequence: nothing lost, nothing run twice, in order.
/// </summary>
public sealed class ClusterScaleTests
{
    private const int Keys = 1_000;
    private const int RequestsPerKey = 100; // an Open, then 99 Steps
    private const int Total = Keys * RequestsPerKey;

    private readonly ITestOutputHelper _output;

    public ClusterScaleTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Three_silos_run_100000_requests_over_1000_keys_in_order_exactly_once()
    {
        await using var cluster = await TestClusters.StartAsync(silos: 3);
        var (metrics, keys) = await RunWorkloadAsync(cluster, onSubmitted: null);

        AssertExactlyOnceInOrder(keys);
        Assert.Equal(Total, metrics.Submitted);
        Assert.Equal(Total, metrics.Completed);
        Assert.Equal(0, metrics.DeadLettered);
        Assert.Equal(0, metrics.QueueDepth);
    }

    [Fact]
    public async Task A_silo_killed_mid_stream_loses_nothing_runs_nothing_twice_and_keeps_order()
    {
        await using var cluster = await TestClusters.StartAsync(silos: 3);
        Task? kill = null;
        var (metrics, keys) = await RunWorkloadAsync(cluster, onSubmitted: submitted =>
        {
            // A third of the way in, with about a thousand requests at the cluster, one silo dies without a graceful
            // shutdown: its activations, and the replies of its in-flight requests, are lost.
            if (submitted == Total / 3)
                kill = cluster.KillSiloAsync(cluster.SecondarySilos[0]);
        });
        await kill!;

        AssertExactlyOnceInOrder(keys);
        Assert.Equal(Total, metrics.Submitted);
        Assert.Equal(Total, metrics.Completed);
        Assert.Equal(0, metrics.DeadLettered);
        // The failure was real: calls failed and were redelivered.
        Assert.True(metrics.Retried > 0, "no call failed: the silo was not taken down while requests were in flight");
    }

    private async Task<(ExecutorMetrics Metrics, string[] Keys)> RunWorkloadAsync(TestCluster cluster, Action<int>? onSubmitted)
    {
        string run = Guid.NewGuid().ToString("N").Substring(0, 8);
        var keys = Enumerable.Range(0, Keys).Select(k => $"{run}-{k}").ToArray();
        var executor = new RecordingHandlersClusterExecutor(cluster.Client, new ClusterExecutorOptions { Capacity = 5_000 });
        var clock = Stopwatch.StartNew();
        int submitted = 0;
        for (int round = 0; round < RequestsPerKey; round++)
        {
            foreach (var key in keys)
            {
                if (round == 0)
                    await executor.SubmitAsync(new OpenRequest(key));
                else
                    await executor.SubmitAsync(new StepRequest(key, round - 1));
                onSubmitted?.Invoke(++submitted);
            }
        }
        var report = await executor.ShutdownAsync(ShutdownMode.Drain);
        clock.Stop();
        var metrics = executor.GetMetrics();
        Assert.Empty(report.Unprocessed);
        Assert.False(report.TimedOut);
        _output.WriteLine($"{Total:N0} requests in {clock.Elapsed.TotalSeconds:F1} s ({Total / clock.Elapsed.TotalSeconds:N0}/s); " +
            $"redelivered {metrics.Retried:N0}, answered from de-duplication marks {executor.Replayed:N0}; " +
            $"round trip p50 {metrics.ProcessingTime.P50.TotalMilliseconds:F1} ms, p99 {metrics.ProcessingTime.P99.TotalMilliseconds:F1} ms, max {metrics.ProcessingTime.Max.TotalMilliseconds:F0} ms");
        return (metrics, keys);
    }

    private static void AssertExactlyOnceInOrder(IEnumerable<string> keys)
    {
        var expected = new List<int> { -1 };
        expected.AddRange(Enumerable.Range(0, RequestsPerKey - 1));
        foreach (var key in keys)
        {
            var executions = ExecutionLog.Of(key);
            if (!executions.SequenceEqual(expected))
            {
                int duplicates = executions.Count - executions.Distinct().Count();
                int missing = expected.Except(executions).Count();
                Assert.Fail($"key {key}: {executions.Count} executions, {duplicates} duplicated, {missing} missing, first: {string.Join(",", executions.Take(20))}");
            }
        }
    }
}
