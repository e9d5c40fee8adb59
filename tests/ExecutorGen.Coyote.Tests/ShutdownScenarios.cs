using ExecutorGen.Tests;

namespace ExecutorGen.Coyote.Tests;

public class ShutdownScenarios
{
    [Theory]
    [InlineData(ShutdownMode.Drain)]
    [InlineData(ShutdownMode.Cancel)]
    public void Shutdown_racing_submitters_accounts_for_every_request(ShutdownMode mode) => Exploration.AssertNoBug(async () =>
    {
        var engine = Jobs.Engine(new ExecutorOptions { WorkerCount = 2, Capacity = 2, StuckAfter = null });
        int accepted = 0, refused = 0, ranAfterShutdown = 0;
        bool stopped = false;
        Task Produce(string key) => Task.Run(async () =>
        {
            for (int id = 0; id < 3; id++)
            {
                try
                {
                    await engine.SubmitAsync(Jobs.Run(key, id, () =>
                    {
                        if (Volatile.Read(ref stopped))
                            Interlocked.Increment(ref ranAfterShutdown);
                    }), default);
                    Interlocked.Increment(ref accepted);
                }
                catch (RequestRejectedException)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        });
        var producers = new[] { Produce("a"), Produce("b") };
        var report = await engine.ShutdownAsync(mode);
        Volatile.Write(ref stopped, true);
        await Task.WhenAll(producers);
        var metrics = engine.GetMetrics();

        Assert.Equal(0, ranAfterShutdown);
        Assert.Equal(accepted, metrics.Submitted);
        Assert.Equal(refused, metrics.Rejected);
        Assert.Equal(6, accepted + refused);
        Assert.True(engine.WorkersStopped);
        Accounting.AssertBalanced(metrics, report);
    });

    [Fact]
    public void Retries_and_dead_letters_racing_a_drain_lose_nothing() => Exploration.AssertNoBug(async () =>
    {
        var letters = new InMemoryDeadLetterQueue();
        var engine = Jobs.Engine(new ExecutorOptions { WorkerCount = 2, MaxAttempts = 2, RetryBackoff = TimeSpan.Zero, DeadLetters = letters, StuckAfter = null });
        var attempts = new int[4];
        for (int id = 0; id < 4; id++)
        {
            int captured = id;
            await engine.SubmitAsync(Jobs.Run("k" + (id % 2), captured, () =>
            {
                int attempt = Interlocked.Increment(ref attempts[captured]);
                if (captured == 0 || (captured == 1 && attempt == 1))
                    throw new InvalidOperationException("fails"); // 0 always fails, 1 fails once
            }), default);
        }
        var report = await engine.ShutdownAsync(ShutdownMode.Drain);
        var metrics = engine.GetMetrics();

        Assert.Equal(3, metrics.Completed);
        Assert.Equal(1, metrics.DeadLettered);
        Assert.Equal(3, metrics.Failed);
        Assert.Equal(2, metrics.Retried);
        Assert.Equal(0, Assert.Single(letters.Snapshot()).Arguments[0]);
        Accounting.AssertBalanced(metrics, report);
    });

    [Theory]
    [InlineData(QueueFullMode.Wait)]
    [InlineData(QueueFullMode.Reject)]
    [InlineData(QueueFullMode.DropOldest)]
    [InlineData(QueueFullMode.DropNewest)]
    public void Full_mode_transitions_at_capacity_keep_the_accounting_and_order(QueueFullMode fullMode) => Exploration.AssertNoBug(async () =>
    {
        var dropped = new InMemoryDeadLetterQueue();
        var engine = Jobs.Engine(new ExecutorOptions { WorkerCount = 1, Capacity = 2, FullMode = fullMode, DeadLetters = dropped, StuckAfter = null });
        var ran = new List<int>();
        int refused = 0;
        Task Produce(int first) => Task.Run(async () =>
        {
            for (int id = first; id < first + 3; id++)
            {
                int captured = id;
                try
                {
                    if (!engine.TrySubmit(Jobs.Run("k" + first, captured, () => { lock (ran) ran.Add(captured); })))
                    {
                        if (fullMode != QueueFullMode.DropNewest)
                            Interlocked.Increment(ref refused);
                    }
                }
                catch (RequestRejectedException)
                {
                    Interlocked.Increment(ref refused);
                }
                await Task.Yield();
            }
        });
        await Task.WhenAll(new[] { Produce(0), Produce(10) });
        var report = await engine.ShutdownAsync();
        var metrics = engine.GetMetrics();

        Assert.Equal(refused, metrics.Rejected);
        Assert.Equal(6, metrics.Submitted + metrics.Rejected);
        Assert.Equal(metrics.Dropped, dropped.Count);
        Assert.Equal(ran.Where(id => id < 10).Order(), ran.Where(id => id < 10));
        Assert.Equal(ran.Where(id => id >= 10).Order(), ran.Where(id => id >= 10));
        Assert.Equal(metrics.Completed, ran.Count);
        Accounting.AssertBalanced(metrics, report);
    });
}
