using System.Diagnostics;
using ExecutorGen;
using ExecutorGen.Orleans;

namespace ClusterSessions;

/// <summary>
/// <c>--measure</c>: the same 100,000-request workload through the in-process executor and through the cluster executor
/// (throughput and their ratio), then through the cluster executor with the second silo killed a third of the way in
/// (what the failure costs in wall time and round-trip latency); then <see cref="ThroughputComparison"/>. A Stopwatch program, not a test: numbers vary with the
/// machine, and are reported, not asserted; only the order check decides the exit code.
/// </summary>
public static class Measurement
{
    private const int Users = 20_000;
    private const int UpdatesPerUser = 3;

    public static async Task<int> RunAsync(LocalCluster cluster, SessionHistory history, Latencies latencies)
    {
        bool ok = true;

        var local = new Workload("local-", Users, UpdatesPerUser);
        var localClock = Stopwatch.StartNew();
        await using (var executor = new SessionHandlersExecutor(new SessionHandlers(history), new ExecutorOptions { Capacity = 2_000 }))
        {
            await local.PushAsync(u => executor.SubmitAsync(u), r => executor.SubmitAsync(r), r => executor.SubmitAsync(r));
            await executor.ShutdownAsync();
        }
        localClock.Stop();
        ok &= Check("in-process", local, history);

        var warmup = new Workload("warmup-", 2_000, UpdatesPerUser);
        await RunClusterAsync(cluster, warmup, killAt: null);

        var steady = new Workload("steady-", Users, UpdatesPerUser);
        var (steadyTime, steadyMetrics) = await RunClusterAsync(cluster, steady, killAt: null);
        ok &= Check("cluster", steady, history);

        var failure = new Workload("failure-", Users, UpdatesPerUser);
        var (failureTime, failureMetrics) = await RunClusterAsync(cluster, failure, killAt: failure.Total / 3);
        ok &= Check("cluster, silo killed", failure, history);

        double localRate = local.Total / localClock.Elapsed.TotalSeconds;
        double steadyRate = steady.Total / steadyTime.TotalSeconds;
        Console.WriteLine();
        Console.WriteLine($"{"run",-24} {"requests",9} {"seconds",8} {"req/s",9} {"rt p50 ms",10} {"rt p99 ms",10} {"rt max ms",10} {"redelivered",12}");
        Console.WriteLine($"{"in-process executor",-24} {local.Total,9:N0} {localClock.Elapsed.TotalSeconds,8:F2} {localRate,9:N0} {"",10} {"",10} {"",10} {"",12}");
        Row("cluster (2 silos)", steady.Total, steadyTime, steadyMetrics);
        Row("cluster, silo killed", failure.Total, failureTime, failureMetrics);
        Console.WriteLine();
        Console.WriteLine($"Throughput, cluster / in-process: 1 : {localRate / steadyRate:N0} ({steadyRate / localRate:P2})");
        Console.WriteLine($"Silo failure: {(failureTime - steadyTime).TotalSeconds:+0.0;-0.0} s wall time for the run; worst round trip {failureMetrics.ProcessingTime.Max.TotalSeconds:F1} s " +
            $"(response timeout {LocalCluster.ResponseTimeout.TotalSeconds:F0} s)");
        await ThroughputComparison.RunAsync(cluster.Client, "two silos in this process", latencies);
        Console.WriteLine(ok ? "OK: every run kept every user's order, each request exactly once." : "FAILED: see above.");
        return ok ? 0 : 1;
    }

    private static async Task<(TimeSpan Elapsed, ExecutorMetrics Metrics)> RunClusterAsync(LocalCluster cluster, Workload workload, int? killAt)
    {
        var clock = Stopwatch.StartNew();
        Task? kill = null;
        await using var executor = new SessionHandlersClusterExecutor(cluster.Client, new ClusterExecutorOptions { Capacity = 2_000 });
        await workload.PushAsync(
            u => executor.SubmitAsync(u),
            r => executor.SubmitAsync(r),
            r => executor.SubmitAsync(r),
            submitted =>
            {
                if (submitted == killAt)
                    kill = cluster.KillSecondSiloAsync();
            });
        await executor.ShutdownAsync();
        clock.Stop();
        if (kill is not null)
            await kill;
        return (clock.Elapsed, executor.GetMetrics());
    }

    private static bool Check(string run, Workload workload, SessionHistory history)
    {
        var wrong = workload.OutOfOrder(history);
        foreach (var line in wrong.Take(3))
            Console.WriteLine($"  {run}: out of order: {line}");
        return wrong.Count == 0;
    }

    private static void Row(string name, int total, TimeSpan elapsed, ExecutorMetrics metrics) =>
        Console.WriteLine($"{name,-24} {total,9:N0} {elapsed.TotalSeconds,8:F2} {total / elapsed.TotalSeconds,9:N0} " +
            $"{metrics.ProcessingTime.P50.TotalMilliseconds,10:F1} {metrics.ProcessingTime.P99.TotalMilliseconds,10:F1} {metrics.ProcessingTime.Max.TotalMilliseconds,10:F0} {metrics.Retried,12:N0}");
}
