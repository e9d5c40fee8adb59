using System.Diagnostics;
using ExecutorGen;
using ExecutorGen.Orleans;

namespace ClusterSessions;

/// <summary>
/// Part of <c>--measure</c>: 50,000 requests over 1,000 keys, about 20 µs of work each, with the same capacity (10,000
/// accepted and unfinished) and the same per-key order, through the in-process executor, a plain Orleans client (one
/// grain call per request, each key's calls chained), and the cluster executor with one request per call, with batched
/// calls of a key, with batched calls of a bucket's keys (64 buckets), and the same with durable acceptance. Throughput (and its ratio to plain Orleans, within each round), the submit-to-completion latency
/// (p50 and p99), and the mean number of requests per grain call. Against the two silos of this process (<c>--measure</c>)
/// or three silo processes on PostgreSQL (<c>--processes --measure</c>).
/// </summary>
public static class ThroughputComparison
{
    private const int Keys = 1_000;
    private const int Requests = 50_000;
    private const int Capacity = 10_000;

    /// <summary>Rounds of all the runs, one after another: this machine's speed changes between minutes, so each
    /// round's ratios are taken within the round, and the medians over the rounds are reported.</summary>
    private const int Rounds = 3;

    /// <param name="silos">What the cluster is, for the table's title.</param>
    /// <param name="latencies">Where this process's handlers record (the in-process executor's, and in-process silos').</param>
    /// <param name="takeSiloLatencies">Silo processes' recorded latencies since the last call, when the silos are processes.</param>
    public static async Task RunAsync(IClusterClient client, string silos, Latencies latencies, Func<Task<long[]>>? takeSiloLatencies = null)
    {
        var handlers = new WorkHandlers(latencies);
        var runs = new (string Name, Func<string, Task<double?>> Run)[]
        {
            ("in-process executor", async prefix => { await InProcessAsync(handlers, prefix); return null; }),
            ("plain Orleans, 1 call per request", async prefix => { await PlainOrleansAsync(client, prefix); return 1; }),
            ("cluster executor, MaxBatchSize 1", prefix => ClusterAsync(client, prefix, maxBatchSize: 1)),
            ("cluster executor, MaxBatchSize 32", prefix => ClusterAsync(client, prefix, maxBatchSize: 32)),
            ("cluster executor, 32, BucketCount 64", prefix => ClusterAsync(client, prefix, maxBatchSize: 32, bucketCount: 64)),
            ("durable, 32, BucketCount 64", prefix => ClusterAsync(client, prefix, maxBatchSize: 32, bucketCount: 64, durable: true)),
        };

        foreach (var (name, run) in runs)
            await run("warmup-" + name + "-"); // grains activated, code jitted
        await TakePercentilesAsync(latencies, takeSiloLatencies);
        var results = runs.Select(_ => new List<(double Rate, double Ratio, double P50, double P99, double? PerCall)>()).ToArray();
        for (int round = 0; round < Rounds; round++)
        {
            double plainRate = 0;
            for (int r = 0; r < runs.Length; r++)
            {
                var clock = Stopwatch.StartNew();
                double? perCall = await runs[r].Run($"{round}-{runs[r].Name}-");
                clock.Stop();
                var (p50, p99) = await TakePercentilesAsync(latencies, takeSiloLatencies);
                double rate = Requests / clock.Elapsed.TotalSeconds;
                if (r == 1)
                    plainRate = rate;
                results[r].Add((rate, r == 0 ? 0 : rate / plainRate, p50, p99, perCall));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Throughput: {Requests:N0} requests over {Keys:N0} keys, ~20 µs of work each, capacity {Capacity:N0}; {silos}; medians of {Rounds} rounds");
        Console.WriteLine($"{"run",-36} {"req/s",9} {"÷ plain",8} {"p50 ms",8} {"p99 ms",8} {"per call",9}");
        for (int r = 0; r < runs.Length; r++)
        {
            var rows = results[r];
            string ratio = r == 0 ? "" : $"{Median(rows.Select(x => x.Ratio)):F2}x";
            string perCall = rows[0].PerCall is null ? "" : $"{Median(rows.Select(x => x.PerCall!.Value)):F1}";
            Console.WriteLine($"{runs[r].Name,-36} {Median(rows.Select(x => x.Rate)),9:N0} {ratio,8} {Median(rows.Select(x => x.P50)),8:F1} {Median(rows.Select(x => x.P99)),8:F1} {perCall,9}");
            Console.WriteLine($"{"",-36} rounds: {string.Join(" / ", rows.Select(x => x.Rate.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))} req/s");
        }
    }

    private static async Task<(double P50, double P99)> TakePercentilesAsync(Latencies latencies, Func<Task<long[]>>? takeSiloLatencies)
    {
        long[] ticks = latencies.TakeTicks();
        if (takeSiloLatencies is not null)
            ticks = ticks.Concat(await takeSiloLatencies()).ToArray();
        return Latencies.Percentiles(ticks);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted[sorted.Length / 2];
    }

    private static string Key(string prefix, int request) => prefix + (request % Keys);

    private static async Task InProcessAsync(WorkHandlers handlers, string prefix)
    {
        await using var executor = new WorkHandlersExecutor(handlers, new ExecutorOptions { Capacity = Capacity });
        for (int i = 0; i < Requests; i++)
            await executor.SubmitAsync(new WorkRequest(Key(prefix, i), Stopwatch.GetTimestamp()));
        await executor.ShutdownAsync();
    }

    /// <summary>Returns the mean number of requests per grain call.</summary>
    private static async Task<double?> ClusterAsync(IClusterClient client, string prefix, int maxBatchSize, int? bucketCount = null, bool durable = false)
    {
        await using var executor = new WorkHandlersClusterExecutor(client,
            new ClusterExecutorOptions { Capacity = Capacity, MaxBatchSize = maxBatchSize, BucketCount = bucketCount, Durable = durable });
        // A durable SubmitAsync completes once its request is stored: one producer awaiting each would measure one store
        // round trip per request. As a service does with many callers, the producer keeps them going at once (admission
        // still queues each key's requests in the order SubmitAsync was called).
        var stores = new List<Task>();
        for (int i = 0; i < Requests; i++)
        {
            var submission = executor.SubmitAsync(new WorkRequest(Key(prefix, i), Stopwatch.GetTimestamp()));
            if (durable)
                stores.Add(submission.AsTask());
            else
                await submission;
        }
        await Task.WhenAll(stores);
        await executor.ShutdownAsync();
        var metrics = executor.GetMetrics();
        return metrics.BatchedRequests / (double)metrics.Batches;
    }

    /// <summary>
    /// What an Orleans user writes without ExecutorGen: each request is a call to its key's grain, made once the key's
    /// previous call has returned (so each key's order holds), with at most <see cref="Capacity"/> requests accepted and
    /// unfinished.
    /// </summary>
    private static async Task PlainOrleansAsync(IClusterClient client, string prefix)
    {
        using var room = new SemaphoreSlim(Capacity);
        var tails = new Dictionary<string, Task>(Keys);
        for (int i = 0; i < Requests; i++)
        {
            await room.WaitAsync();
            string key = Key(prefix, i);
            var request = new WorkRequest(key, Stopwatch.GetTimestamp());
            tails[key] = CallAfterAsync(tails.TryGetValue(key, out var previous) ? previous : Task.CompletedTask,
                client.GetGrain<IWorkGrain>(key), request, room);
        }
        await Task.WhenAll(tails.Values);
    }

    private static async Task CallAfterAsync(Task previous, IWorkGrain grain, WorkRequest request, SemaphoreSlim room)
    {
        await previous;
        try
        {
            await grain.Work(request);
        }
        finally
        {
            room.Release();
        }
    }
}
