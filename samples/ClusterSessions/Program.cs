using ClusterSessions;
using ExecutorGen;
using ExecutorGen.Orleans;

// Starts a two-silo Orleans cluster on localhost in this process, pushes login → updates → logout for 2,000 users through
// the generated SessionHandlersClusterExecutor and checks that every user's requests ran in order, exactly once.
// Exit code 0 only when they did.
//   --kill-silo   kills the second silo a third of the way through (its in-flight requests are redelivered)
//   --measure     compares throughput with the in-process executor and plain Orleans, and measures a silo failure (docs/orleans.md)
//   --processes [--users n] [--updates n]
//                 real processes instead: starts a throwaway PostgreSQL server (PostgreSQL must be installed), three silo
//                 processes with ADO.NET clustering and grain storage on it, and a client process that pushes the workload
//                 (2,000 users, 3 updates each by default); kills one silo with SIGKILL a third of the way through, then
//                 checks each user's executions as the silos logged them: all ran, in order, none twice except what the
//                 delivery guarantee allows (a silo killed between a call's handlers and its mark write)
//   --processes --durable [--users n] [--updates n]
//                 the same with ClusterExecutorOptions.Durable: after the silo, the client process is killed with SIGKILL
//                 halfway through (everything it submitted is stored), and a second client process submits the rest and
//                 waits for its work; the check covers both clients' requests (reruns within a processing turn allowed)
//   --processes --measure
//                 the throughput comparison of --measure (plain Orleans against the cluster executor) against the three
//                 silo processes, no silo killed
// (--silo and --client are the roles --processes starts this program in.)
if (args.Contains("--silo"))
    return await SiloProcess.RunAsync(args);
if (args.Contains("--client"))
    return await ClientProcess.RunAsync(args);
if (args.Contains("--processes"))
    return await MultiProcessRun.RunAsync(args);

bool killSilo = args.Contains("--kill-silo");
var history = new SessionHistory();
Console.WriteLine("Starting two silos and a client on localhost…");
var latencies = new Latencies();
await using var cluster = await LocalCluster.StartAsync(history, latencies);
if (args.Contains("--measure"))
    return await Measurement.RunAsync(cluster, history, latencies);

var workload = new Workload("", users: 2_000, updatesPerUser: 3);
var options = new ClusterExecutorOptions { Capacity = 2_000 };
await using var executor = new SessionHandlersClusterExecutor(cluster.Client, options);
Console.WriteLine($"ClusterSessions: {workload.Users:N0} users, {workload.Total:N0} requests, capacity {options.Capacity:N0}" +
    (killSilo ? ", second silo killed a third of the way through" : ""));

var clock = System.Diagnostics.Stopwatch.StartNew();
Task? kill = null;
await workload.PushAsync(
    userId => executor.SubmitAsync(userId),
    request => executor.SubmitAsync(request),
    request => executor.SubmitAsync(request),
    submitted =>
    {
        if (killSilo && submitted == workload.Total / 3)
            kill = cluster.KillSecondSiloAsync();
    });
// InvokeAsync waits for the handler on the silo and returns its result.
int entries = await executor.InvokeAsync(new UpdateRequest(workload.UserId(0), workload.UpdatesPerUser + 1, "after logout"));
var report = await executor.ShutdownAsync(ShutdownMode.Drain);
clock.Stop();
if (kill is not null)
    await kill;

var metrics = executor.GetMetrics();
Console.WriteLine($"InvokeAsync returned: {workload.UserId(0)} now has {entries} history entries");
Console.WriteLine($"Completed {metrics.Completed:N0} of {workload.Total + 1:N0} in {clock.Elapsed.TotalSeconds:F1} s; dead-lettered {metrics.DeadLettered}, " +
    $"redelivered {metrics.Retried:N0}, answered from de-duplication marks {executor.Replayed:N0}; unprocessed {report.Unprocessed.Count}");
Console.WriteLine($"Round trip p50 {metrics.ProcessingTime.P50.TotalMilliseconds:F1} ms, p99 {metrics.ProcessingTime.P99.TotalMilliseconds:F1} ms, max {metrics.ProcessingTime.Max.TotalMilliseconds:F0} ms");

var outOfOrder = workload.OutOfOrder(history, "update " + (workload.UpdatesPerUser + 1));
foreach (var line in outOfOrder.Take(5))
    Console.WriteLine("  out of order: " + line);
bool ok = outOfOrder.Count == 0 && metrics.Completed == workload.Total + 1 && metrics.DeadLettered == 0;
Console.WriteLine(ok
    ? $"OK: all {workload.Users:N0} users' requests ran in order, each exactly once (login → {workload.UpdatesPerUser} updates → logout)."
    : $"FAILED: {outOfOrder.Count} users out of order; completed {metrics.Completed:N0} of {workload.Total + 1:N0}.");
return ok ? 0 : 1;
