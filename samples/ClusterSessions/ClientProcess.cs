using System.Diagnostics;
using System.Text.Json;
using ExecutorGen;
using ExecutorGen.Orleans;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClusterSessions;

/// <summary>
/// What the client process reports to the orchestrator (as JSON in the result file). <c>MaxBatchSize</c> is the most
/// requests a rerun can repeat: a call's (or, durable, a processing turn's, <see cref="StoredQueue.MaxPerTurn"/>).
/// </summary>
public sealed record ClientResult(long Submitted, long Completed, long DeadLettered, int Unprocessed, long Redelivered, long Replayed,
    int MaxBatchSize, double Seconds, double RoundTripMaxMilliseconds);

/// <summary>
/// <c>--client --database … --users n --updates n --result … [--durable] [--from n] [--stop-at n]</c>, started by
/// <see cref="MultiProcessRun"/>: pushes the
/// user-session workload through <c>SessionHandlersClusterExecutor</c>. A third of the way through it prints
/// "kill point" and waits for a line on its standard input: the orchestrator answers once it has killed a silo, so the
/// kill lands mid-stream, with requests at the cluster, however slow the machine. Writes its metrics to the result file
/// and exits 0 only if the counting invariant holds: submitted = completed + dead-lettered, nothing unprocessed.
/// <c>--durable</c> uses <see cref="ClusterExecutorOptions.Durable"/>; <c>--stop-at n</c> prints "client stop point" once
/// its n-th request is stored and waits there to be killed; <c>--from n</c> submits the workload from its n-th request on.
/// </summary>
public static class ClientProcess
{
    // Far below the total, so that submission keeps in step with execution and the killed silo has requests at it.
    private const int Capacity = 500;

    public static async Task<int> RunAsync(string[] args)
    {
        var workload = new Workload("", Arguments.Number(args, "--users", 0), Arguments.Number(args, "--updates", 0));
        string database = Arguments.Value(args, "--database");
        using var host = new HostBuilder()
            .UseOrleansClient(client => ProcessClusterConfiguration.ConfigureClient(client, database))
            .ConfigureLogging(LocalCluster.Quiet)
            .Build();
        await host.StartAsync();

        bool durable = args.Contains("--durable");
        int from = Arguments.Number(args, "--from", 0);
        int stopAt = Arguments.Number(args, "--stop-at", -1);
        var options = new ClusterExecutorOptions { Capacity = Capacity, Durable = durable };
        await using var executor = new SessionHandlersClusterExecutor(host.Services.GetRequiredService<IClusterClient>(), options);
        var clock = Stopwatch.StartNew();
        bool orchestratorGone = false;
        await workload.PushAsync(
            userId => executor.SubmitAsync(userId),
            request => executor.SubmitAsync(request),
            request => executor.SubmitAsync(request),
            submitted =>
            {
                if (submitted == stopAt)
                {
                    // Durable: everything submitted so far is stored. Blocking until killed is the point.
                    Console.WriteLine($"client stop point: {submitted} of {workload.Total} requests stored");
                    Console.ReadLine();
                    orchestratorGone = true;
                }
                if (submitted != workload.Total / 3)
                    return;
                Console.WriteLine($"kill point: {submitted} of {workload.Total} requests submitted");
                // Blocking is the point: nothing more is submitted until the silo is dead.
                orchestratorGone = Console.ReadLine() is null;
            },
            from);
        var report = await executor.ShutdownAsync(ShutdownMode.Drain);
        clock.Stop();
        await host.StopAsync();

        var metrics = executor.GetMetrics();
        var result = new ClientResult(metrics.Submitted, metrics.Completed, metrics.DeadLettered, report.Unprocessed.Count, metrics.Retried,
            executor.Replayed, durable ? StoredQueue.MaxPerTurn : options.MaxBatchSize, clock.Elapsed.TotalSeconds, metrics.ProcessingTime.Max.TotalMilliseconds);
        await File.WriteAllTextAsync(Arguments.Value(args, "--result"), JsonSerializer.Serialize(result));
        bool counted = result.Submitted == workload.Total - from && result.Submitted == result.Completed + result.DeadLettered && result.Unprocessed == 0;
        Console.WriteLine($"client done: submitted {result.Submitted}, completed {result.Completed}, dead-lettered {result.DeadLettered}, " +
            $"unprocessed {result.Unprocessed}{(orchestratorGone ? "; the orchestrator went away at the kill point" : "")}");
        return counted && !orchestratorGone ? 0 : 1;
    }
}
