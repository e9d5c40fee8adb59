namespace ExecutorGen.Tests;

/// <summary>
/// <c>SetWorkerCount</c> under load: producers submit thousands of requests over many keys while the pool is resized
/// over and over (1 → 4 → 2 → 8 → 1 → …), with failing handlers and, in some runs, a Cancel shutdown while producers still
/// submit. Every request runs at most once (exactly once under a Drain), under PerKey and PerPartition a key's requests
/// never overlap and start in submission order, and submitted = completed + dead-lettered + dropped + cancelled +
/// unprocessed at shutdown.
/// </summary>
public class ResizeStressTests
{
    private const int Producers = 3;
    private const int Keys = 48;
    private const int PerKey = 160; // 7,680 requests per run
    private static readonly int[] Sizes = { 1, 4, 2, 8, 1, 3, 6, 2 };

    [Theory]
    [InlineData(Ordering.PerKey, null, QueueFullMode.Wait, ShutdownMode.Drain, false)]
    [InlineData(Ordering.PerKey, null, QueueFullMode.DropOldest, ShutdownMode.Cancel, false)]
    [InlineData(Ordering.PerKey, null, QueueFullMode.Wait, ShutdownMode.Drain, true)]
    [InlineData(Ordering.PerPartition, null, QueueFullMode.Wait, ShutdownMode.Drain, false)]
    [InlineData(Ordering.PerPartition, null, QueueFullMode.DropOldest, ShutdownMode.Cancel, false)]
    [InlineData(Ordering.PerPartition, 8, QueueFullMode.Wait, ShutdownMode.Drain, false)]
    [InlineData(Ordering.PerPartition, 8, QueueFullMode.Reject, ShutdownMode.Cancel, false)]
    [InlineData(Ordering.PerPartition, null, QueueFullMode.Wait, ShutdownMode.Drain, true)]
    [InlineData(Ordering.Unordered, null, QueueFullMode.Wait, ShutdownMode.Drain, false)]
    [InlineData(Ordering.Unordered, null, QueueFullMode.DropNewest, ShutdownMode.Cancel, true)]
    public async Task Resizing_under_load_keeps_each_keys_order_loses_nothing_and_runs_nothing_twice(
        Ordering ordering, int? maxQueuedPerKey, QueueFullMode fullMode, ShutdownMode shutdown, bool dedicatedThreads)
    {
        bool ordered = ordering != Ordering.Unordered;
        var ran = new int[Keys * PerKey];
        var running = new int[Keys];
        var last = Enumerable.Repeat(-1, Keys).ToArray();
        int overlaps = 0, outOfOrder = 0;
        var engine = Engines.Create(new ExecutorOptions
        {
            WorkerCount = 2, Capacity = 96, Ordering = ordering, MaxQueuedPerKey = maxQueuedPerKey, FullMode = fullMode,
            DedicatedThreads = dedicatedThreads, StuckAfter = null,
        });

        Work Request(int key, int sequence) => Engines.Work("key" + key, sequence, async (w, _) =>
        {
            if (Interlocked.Increment(ref running[key]) != 1)
                Interlocked.Increment(ref overlaps);
            if (ordered)
            {
                // Submission order: strictly later than the last one of the key that started (shed ones leave gaps).
                if (sequence <= last[key])
                    Interlocked.Increment(ref outOfOrder);
                last[key] = sequence;
            }
            Interlocked.Increment(ref ran[key * PerKey + sequence]);
            if (sequence % 5 == 0)
                await Task.Yield();
            Interlocked.Decrement(ref running[key]);
            if (sequence % 41 == 7)
                throw new InvalidOperationException("a failing handler"); // dead-lettered: MaxAttempts is 1
            return w.Id;
        });

        // The producers stop halfway until the resizer has gone through every size once, so that the resizes meet a running
        // stream however the machine schedules the threads (a producer that never waits for room, under Reject, could
        // otherwise submit everything before the resizer's task first ran).
        var resizedThroughEverySize = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Each key belongs to one producer, which submits its requests in sequence order.
        var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            for (int sequence = 0; sequence < PerKey; sequence++)
            {
                if (sequence == PerKey / 2)
                    await resizedThroughEverySize.Task;
                if (sequence % 20 == 19)
                    await Task.Delay(1); // a producer that never waits for room would be done before the resizer ran
                for (int key = p; key < Keys; key += Producers)
                {
                    try
                    {
                        if (fullMode == QueueFullMode.Wait)
                            await engine.SubmitAsync(Request(key, sequence), default);
                        else
                            engine.TrySubmit(Request(key, sequence));
                    }
                    catch (RequestRejectedException)
                    {
                        return; // shut down
                    }
                }
            }
        })).ToArray();

        int resizes = 0;
        var allSubmitted = Task.WhenAll(producers);
        while (!allSubmitted.IsCompleted)
        {
            engine.SetWorkerCount(Sizes[resizes++ % Sizes.Length]);
            if (resizes == Sizes.Length)
                resizedThroughEverySize.SetResult();
            if (resizes % 8 == 0)
                await Task.Delay(1);
            else
                await Task.Yield();
            if (shutdown == ShutdownMode.Cancel && resizes >= Sizes.Length && engine.GetMetrics().Submitted > Keys * PerKey / 2)
                break;
        }
        var report = await engine.ShutdownAsync(shutdown);
        await allSubmitted;
        var metrics = engine.GetMetrics();

        Assert.True(resizes >= Sizes.Length, $"only {resizes} resizes while the producers ran");
        Assert.All(ran, count => Assert.InRange(count, 0, 1));
        if (ordered)
        {
            Assert.Equal(0, overlaps);
            Assert.Equal(0, outOfOrder);
        }
        if (shutdown == ShutdownMode.Drain && fullMode == QueueFullMode.Wait)
        {
            Assert.All(ran, count => Assert.Equal(1, count));
            Assert.Equal(Keys * PerKey, metrics.Submitted);
        }
        Assert.Equal(ran.Sum(), metrics.Completed + metrics.DeadLettered + metrics.Cancelled);
        Assert.True(engine.WorkersStopped);
        Accounting.AssertBalanced(metrics, report);
    }
}
