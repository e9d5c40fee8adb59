using ExecutorGen.Tests;

namespace ExecutorGen.Coyote.Tests;

/// <summary>
/// Pause and Resume racing producers, workers going idle and a shutdown: a resume must reach every idle worker (a lost
/// wake-up shows as a deadlock), and no request may run before the resume that lets it.
/// </summary>
public class PauseScenarios
{
    [Theory]
    [InlineData(Ordering.PerKey, 2)]
    [InlineData(Ordering.PerPartition, 2)]
    [InlineData(Ordering.Unordered, 1)]
    public void A_resume_racing_producers_and_idle_workers_starts_everything_in_order(Ordering ordering, int workers) => Exploration.AssertNoBug(async () =>
    {
        var engine = Jobs.Engine(new ExecutorOptions { WorkerCount = workers, Ordering = ordering, Capacity = 8, StuckAfter = null });
        engine.Pause();
        int resuming = 0, ranTooEarly = 0;
        var order = new List<int>();
        Task Produce(string key, int first) => Task.Run(async () =>
        {
            for (int id = first; id < first + 3; id++)
            {
                int captured = id;
                await engine.SubmitAsync(Jobs.Run(key, captured, () =>
                {
                    if (Volatile.Read(ref resuming) == 0)
                        Interlocked.Increment(ref ranTooEarly);
                    lock (order)
                        order.Add(captured);
                }), default);
            }
        });
        var resumer = Task.Run(() =>
        {
            Volatile.Write(ref resuming, 1);
            engine.Resume();
        });
        await Task.WhenAll(new[] { Produce("a", 0), Produce("b", 10), resumer });
        var report = await engine.ShutdownAsync();

        Assert.Equal(0, ranTooEarly);
        Assert.Equal(6, order.Count);
        if (ordering != Ordering.Unordered)
        {
            Assert.Equal(new[] { 0, 1, 2 }, order.Where(id => id < 10));
            Assert.Equal(new[] { 10, 11, 12 }, order.Where(id => id >= 10));
        }
        Assert.True(engine.WorkersStopped);
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    });

    [Theory]
    [InlineData(ShutdownMode.Drain)]
    [InlineData(ShutdownMode.Cancel)]
    public void A_shutdown_racing_a_pause_and_a_resume_accounts_for_every_request(ShutdownMode mode) => Exploration.AssertNoBug(async () =>
    {
        var engine = Jobs.Engine(new ExecutorOptions { WorkerCount = 2, Capacity = 8, StuckAfter = null });
        int ran = 0;
        for (int id = 0; id < 4; id++)
            await engine.SubmitAsync(Jobs.Run("k" + (id % 2), id, () => Interlocked.Increment(ref ran)), default);
        var pausing = Task.Run(() =>
        {
            engine.Pause();
            engine.Resume();
            engine.Pause();
        });
        var shutdown = engine.ShutdownAsync(mode);
        await Task.WhenAll(new Task[] { pausing, shutdown });
        var report = await shutdown;

        if (mode == ShutdownMode.Drain)
            Assert.Equal(4, Volatile.Read(ref ran)); // a drain resumes first, and a later pause changes nothing
        Assert.Equal(4, Volatile.Read(ref ran) + report.Unprocessed.Count);
        Assert.True(engine.WorkersStopped);
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    });
}
