using ExecutorGen.Runtime;
using ExecutorGen.Tests;

namespace ExecutorGen.Coyote.Tests;

/// <summary>
/// <c>SetWorkerCount</c> racing producers, requests finishing (and so fences being released) and a shutdown: a key's
/// requests never overlap and start in order, even when a re-partitioning moves the key while one of its requests runs;
/// a retiring worker never strands work (a lost wake-up shows as a deadlock); every request is accounted for.
/// </summary>
public class ResizeScenarios
{
    /// <summary>A key that moves at every step of 2 → 3 → 1 → 2 partitions, and one that stays in partition 0 throughout.</summary>
    private static readonly string Moving = Enumerable.Range(0, 500).Select(i => "key" + i)
        .First(k => PartitionHash.Bucket(k, 2) == 1 && PartitionHash.Bucket(k, 3) == 2);

    private static readonly string Staying = Enumerable.Range(0, 500).Select(i => "key" + i)
        .First(k => PartitionHash.Bucket(k, 2) == 0 && PartitionHash.Bucket(k, 3) == 0);

    [Theory]
    [InlineData(Ordering.PerKey, null)]
    [InlineData(Ordering.PerPartition, null)]
    [InlineData(Ordering.PerPartition, 4)]
    public void A_resize_racing_producers_and_finishing_requests_keeps_each_keys_order(Ordering ordering, int? maxQueuedPerKey) => Exploration.AssertNoBug(async () =>
    {
        var engine = Jobs.Engine(new ExecutorOptions
        {
            WorkerCount = 2, Ordering = ordering, Capacity = 8, MaxQueuedPerKey = maxQueuedPerKey, StuckAfter = null,
        });
        var order = new List<int>();
        int running = 0, overlaps = 0;
        Task Produce(string key, int first) => Task.Run(async () =>
        {
            for (int id = first; id < first + 3; id++)
            {
                int captured = id;
                await engine.SubmitAsync(new Job(key, captured, async _ =>
                {
                    // Only the moving key is watched for overlap: the other runs beside it by design.
                    if (key == Moving && Interlocked.Increment(ref running) != 1)
                        Interlocked.Increment(ref overlaps);
                    await Task.Yield();
                    lock (order)
                        order.Add(captured);
                    if (key == Moving)
                        Interlocked.Decrement(ref running);
                }), default);
            }
        });
        var resizer = Task.Run(() =>
        {
            engine.SetWorkerCount(3);
            engine.SetWorkerCount(1);
            engine.SetWorkerCount(2);
        });
        await Task.WhenAll(new[] { Produce(Moving, 0), Produce(Staying, 10), resizer });
        var report = await engine.ShutdownAsync();

        Assert.Equal(6, order.Count);
        if (ordering != Ordering.Unordered)
        {
            Assert.Equal(0, overlaps);
            Assert.Equal(new[] { 0, 1, 2 }, order.Where(id => id < 10));
            Assert.Equal(new[] { 10, 11, 12 }, order.Where(id => id >= 10));
        }
        Assert.Equal(2, engine.GetMetrics().WorkerCount);
        Assert.True(engine.WorkersStopped);
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    });

    [Theory]
    [InlineData(Ordering.PerKey, ShutdownMode.Drain)]
    [InlineData(Ordering.PerPartition, ShutdownMode.Cancel)]
    [InlineData(Ordering.Unordered, ShutdownMode.Cancel)]
    public void A_shutdown_racing_a_resize_accounts_for_every_request(Ordering ordering, ShutdownMode mode) => Exploration.AssertNoBug(async () =>
    {
        var engine = Jobs.Engine(new ExecutorOptions { WorkerCount = 2, Ordering = ordering, Capacity = 8, StuckAfter = null });
        int ran = 0;
        for (int id = 0; id < 4; id++)
            await engine.SubmitAsync(Jobs.Run(id % 2 == 0 ? Moving : Staying, id, () => Interlocked.Increment(ref ran)), default);
        var resizing = Task.Run(() =>
        {
            engine.SetWorkerCount(3);
            engine.SetWorkerCount(1);
        });
        var shutdown = engine.ShutdownAsync(mode);
        await Task.WhenAll(new Task[] { resizing, shutdown });
        var report = await shutdown;

        if (mode == ShutdownMode.Drain)
            Assert.Equal(4, Volatile.Read(ref ran));
        Assert.Equal(4, Volatile.Read(ref ran) + report.Unprocessed.Count);
        Assert.True(engine.WorkersStopped);
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    });
}
