using System.Collections.Concurrent;

namespace ExecutorGen.Tests;

/// <summary><c>Pause()</c> and <c>Resume()</c>.</summary>
public class PauseTests
{
    [Theory]
    [InlineData(Ordering.PerKey, 1)]
    [InlineData(Ordering.PerKey, 3)]
    [InlineData(Ordering.PerPartition, 3)]
    [InlineData(Ordering.Unordered, 3)]
    public async Task A_paused_executor_finishes_what_runs_accepts_up_to_capacity_starts_nothing_and_resumes_in_order(Ordering ordering, int workers)
    {
        var log = new ConcurrentQueue<string>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = workers, Capacity = 12, Ordering = ordering, FullMode = QueueFullMode.Reject });
        await engine.SubmitAsync(Engines.Work("a", 0, async (w, _) =>
        {
            running.SetResult();
            await release.Task;
            log.Enqueue("a:0");
            return w.Id;
        }), default);
        await running.Task;

        engine.Pause();
        Assert.Equal(ExecutorState.Paused, engine.GetMetrics().State);
        int accepted = 0;
        for (int i = 1; i <= 20; i++)
        {
            int id = i;
            if (engine.TrySubmit(Engines.Work(ordering == Ordering.Unordered ? null : "k" + (i % 3), id, () => log.Enqueue($"k{id % 3}:{id}"))))
                accepted++;
        }
        release.SetResult();
        await Eventually.Until(() => log.Contains("a:0"), TimeSpan.FromSeconds(10));
        await Task.Delay(100); // time for a worker that wrongly starts a request to do so
        var metrics = engine.GetMetrics();

        Assert.Equal(12, accepted); // the capacity, all queued
        Assert.Equal(new[] { "a:0" }, log.ToArray());
        Assert.Equal(12, metrics.QueueDepth);
        Assert.Equal(0, metrics.BusyWorkers);

        engine.Resume();
        Assert.Equal(ExecutorState.Running, engine.GetMetrics().State);
        var report = await engine.ShutdownAsync();

        Assert.Equal(13, log.Count);
        if (ordering != Ordering.Unordered)
        {
            for (int k = 0; k < 3; k++)
            {
                var ids = log.Where(l => l.StartsWith($"k{k}:", StringComparison.Ordinal)).Select(l => int.Parse(l.Split(':')[1]));
                Assert.Equal(Enumerable.Range(1, 12).Where(i => i % 3 == k), ids);
            }
        }
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }

    [Fact]
    public async Task A_drain_shutdown_of_a_paused_executor_resumes_and_runs_everything()
    {
        int ran = 0;
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2 });
        engine.Pause();
        for (int i = 0; i < 50; i++)
            await engine.SubmitAsync(Engines.Work("k" + (i % 5), i, () => Interlocked.Increment(ref ran)), default);
        await Task.Delay(50);
        Assert.Equal(0, Volatile.Read(ref ran));

        var report = await engine.ShutdownAsync(ShutdownMode.Drain);

        Assert.Equal(50, ran);
        Assert.Empty(report.Unprocessed);
        Assert.Equal(ExecutorState.Stopped, engine.GetMetrics().State);
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }

    [Fact]
    public async Task A_cancel_shutdown_of_a_paused_executor_reports_the_queued_requests()
    {
        int ran = 0;
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2, Ordering = Ordering.PerPartition });
        engine.Pause();
        var invoked = engine.InvokeAsync<int>(Engines.Work("k", 99, () => Interlocked.Increment(ref ran)), default);
        for (int i = 0; i < 30; i++)
            await engine.SubmitAsync(Engines.Work("k" + (i % 5), i, () => Interlocked.Increment(ref ran)), default);

        var report = await engine.ShutdownAsync(ShutdownMode.Cancel);

        Assert.Equal(0, ran);
        Assert.Equal(31, report.Unprocessed.Count);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => invoked);
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }

    [Fact]
    public async Task Pausing_after_shutdown_began_changes_nothing_and_resuming_an_executor_that_runs_is_harmless()
    {
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 1 });
        engine.Resume();
        Assert.Equal(42, await engine.InvokeAsync<int>(Engines.Work("k", 42, (w, _) => new ValueTask<int>(w.Id)), default));
        await engine.ShutdownAsync();

        engine.Pause();

        Assert.Equal(ExecutorState.Stopped, engine.GetMetrics().State);
    }

    /// <summary>
    /// Producers submit without pause while the executor is paused and resumed over and over: once the requests running
    /// at a <c>Pause()</c> have finished, none starts until the next <c>Resume()</c>; every request runs once, each key's
    /// in order and never two of a key at once, and the counts add up.
    /// </summary>
    [Theory]
    [InlineData(Ordering.PerKey)]
    [InlineData(Ordering.PerPartition)]
    [InlineData(Ordering.Unordered)]
    public async Task Pausing_and_resuming_under_load_loses_nothing_and_starts_nothing_while_paused(Ordering ordering)
    {
        const int Keys = 20, PerKey = 400;
        int paused = 0, startedWhilePaused = 0, overlaps = 0, outOfOrder = 0;
        var running = new int[Keys];
        var next = new int[Keys];
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 4, Ordering = ordering, Capacity = 256 });
        var producers = Enumerable.Range(0, 2).Select(p => Task.Run(async () =>
        {
            for (int s = 0; s < PerKey; s++)
            {
                for (int k = p; k < Keys; k += 2)
                {
                    int key = k, sequence = s;
                    await engine.SubmitAsync(Engines.Work("k" + key, sequence, async (w, _) =>
                    {
                        if (Volatile.Read(ref paused) == 1)
                            Interlocked.Increment(ref startedWhilePaused);
                        if (Interlocked.Increment(ref running[key]) != 1)
                            Interlocked.Increment(ref overlaps);
                        if (ordering != Ordering.Unordered && next[key] != sequence)
                            Interlocked.Increment(ref outOfOrder);
                        next[key] = sequence + 1;
                        if (sequence % 7 == 0)
                            await Task.Yield();
                        Interlocked.Decrement(ref running[key]);
                        return w.Id;
                    }), default);
                }
            }
        })).ToArray();

        while (!producers.All(p => p.IsCompleted))
        {
            engine.Pause();
            // What was taken before the pause may still start its handler; once no worker is busy, nothing may.
            while (engine.GetMetrics().BusyWorkers > 0)
                await Task.Delay(1);
            Volatile.Write(ref paused, 1);
            await Task.Delay(3);
            Volatile.Write(ref paused, 0);
            engine.Resume();
            await Task.Delay(3);
        }
        await Task.WhenAll(producers);
        var report = await engine.ShutdownAsync();
        var metrics = engine.GetMetrics();

        Assert.Equal(0, startedWhilePaused);
        Assert.Equal(Keys * PerKey, metrics.Completed);
        if (ordering != Ordering.Unordered)
        {
            Assert.Equal(0, overlaps);
            Assert.Equal(0, outOfOrder);
        }
        Accounting.AssertBalanced(metrics, report);
    }
}
