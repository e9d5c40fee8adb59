namespace ExecutorGen.Tests;

public class OrderingTests
{
    [Theory]
    [InlineData(Ordering.PerKey)]
    [InlineData(Ordering.PerPartition)]
    public async Task Keyed_requests_run_once_each_in_submission_order_without_overlap(Ordering ordering)
    {
        const int Keys = 1_000, PerKey = 100, Producers = 4;
        var lastSeen = new int[Keys];
        var running = new int[Keys];
        var executions = new int[Keys * PerKey];
        int orderViolations = 0, overlaps = 0;

        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 8, Ordering = ordering, Capacity = 4_096 });

        // Each producer owns the keys k with k % Producers == p, so every key has one submission order.
        var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            for (int seq = 1; seq <= PerKey; seq++)
            {
                for (int k = p; k < Keys; k += Producers)
                {
                    int key = k, s = seq;
                    await engine.SubmitAsync(Engines.Work("user-" + key, key * PerKey + s - 1, () =>
                    {
                        if (Interlocked.Exchange(ref running[key], 1) != 0)
                            Interlocked.Increment(ref overlaps);
                        if (lastSeen[key] != s - 1)
                            Interlocked.Increment(ref orderViolations);
                        lastSeen[key] = s;
                        Interlocked.Increment(ref executions[key * PerKey + s - 1]);
                        Volatile.Write(ref running[key], 0);
                    }), default);
                }
            }
        })).ToArray();
        await Task.WhenAll(producers);
        var report = await engine.ShutdownAsync();
        var metrics = engine.GetMetrics();

        Assert.Equal(0, orderViolations);
        Assert.Equal(0, overlaps);
        Assert.All(executions, count => Assert.Equal(1, count));
        Assert.Equal(Keys * PerKey, metrics.Completed);
        Assert.Equal(Keys * PerKey, metrics.Workers.Sum(w => w.Processed));
        Assert.Empty(report.Unprocessed);
        Accounting.AssertBalanced(metrics, report);
    }

    [Fact]
    public async Task Unordered_requests_all_run_once()
    {
        const int Count = 20_000;
        var executions = new int[Count];
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 4, Ordering = Ordering.Unordered });
        for (int i = 0; i < Count; i++)
        {
            int id = i;
            await engine.SubmitAsync(Engines.Work("same-key", id, () => Interlocked.Increment(ref executions[id])), default);
        }
        var report = await engine.ShutdownAsync();
        var metrics = engine.GetMetrics();

        Assert.All(executions, count => Assert.Equal(1, count));
        Assert.Equal(Count, metrics.Completed);
        Accounting.AssertBalanced(metrics, report);
    }

    [Fact]
    public async Task A_key_always_goes_to_the_same_worker_under_PerPartition()
    {
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 4, Ordering = Ordering.PerPartition });
        for (int i = 0; i < 2_000; i++)
        {
            await engine.SubmitAsync(Engines.Work("k" + (i % 50), i, () => { }), default);
        }
        await engine.ShutdownAsync();

        var metrics = engine.GetMetrics();
        // Every worker processed only whole keys: the per-worker counts are sums of 40-request keys.
        Assert.All(metrics.Workers, w => Assert.Equal(0, w.Processed % 40));
        Assert.Equal(2_000, metrics.Workers.Sum(w => w.Processed));
    }
}
