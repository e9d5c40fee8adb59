namespace ExecutorGen.Tests;

public class FullModeTests
{
    private static Work Noop(string key, int id) => Engines.Work(key, id, () => { });

    [Fact]
    public async Task DropOldest_sheds_the_oldest_queued_request_to_the_dead_letter_sink()
    {
        var sink = new ListSink();
        var ran = new List<int>();
        var blocked = new BlockedEngine(new ExecutorOptions { WorkerCount = 1, Capacity = 3, FullMode = QueueFullMode.DropOldest, DeadLetters = sink });
        await blocked.BlockAsync();
        var engine = blocked.Engine;
        var first = engine.InvokeAsync<int>(Engines.Work("a", 1, () => { lock (ran) ran.Add(1); }), default);
        for (int id = 2; id <= 5; id++)
        {
            int captured = id;
            Assert.True(engine.TrySubmit(Engines.Work("k" + (id % 2), id, () => { lock (ran) ran.Add(captured); })));
        }

        var error = await Assert.ThrowsAsync<RequestRejectedException>(() => first);
        Assert.Equal(RejectionReason.Dropped, error.Reason);
        blocked.Release();
        var report = await engine.ShutdownAsync();
        var metrics = engine.GetMetrics();

        Assert.Equal(new[] { 3, 4, 5 }, ran.Order()); // different keys: no order among them
        Assert.Equal(2, metrics.Dropped);
        Assert.Equal(0, metrics.Rejected);
        Assert.Equal(new[] { 1, 2 }, sink.Letters.Select(l => (int)l.Arguments[0]!));
        Assert.All(sink.Letters, l => Assert.Equal(DeadLetterReason.Dropped, l.Reason));
        Accounting.AssertBalanced(metrics, report);
    }

    [Fact]
    public async Task DropNewest_sheds_the_incoming_request_and_TrySubmit_says_so()
    {
        var sink = new ListSink();
        var blocked = new BlockedEngine(new ExecutorOptions { WorkerCount = 1, Capacity = 2, FullMode = QueueFullMode.DropNewest, DeadLetters = sink });
        await blocked.BlockAsync();
        var engine = blocked.Engine;
        Assert.True(engine.TrySubmit(Noop("a", 1)));
        Assert.True(engine.TrySubmit(Noop("a", 2)));
        Assert.False(engine.TrySubmit(Noop("a", 3)));
        await engine.SubmitAsync(Noop("a", 4), default); // completes: the request is in the sink, not lost
        var invoked = engine.InvokeAsync<int>(Noop("a", 5), default);
        Assert.Equal(RejectionReason.Dropped, (await Assert.ThrowsAsync<RequestRejectedException>(() => invoked)).Reason);

        blocked.Release();
        var report = await engine.ShutdownAsync();
        var metrics = engine.GetMetrics();
        Assert.Equal(3, metrics.Dropped);
        Assert.Equal(0, metrics.Rejected);
        Assert.Equal(3, metrics.Completed);
        Assert.Equal(new[] { 3, 4, 5 }, sink.Letters.Select(l => (int)l.Arguments[0]!));
        Accounting.AssertBalanced(metrics, report);
    }

    [Fact]
    public async Task A_per_key_limit_refuses_a_hot_key_while_other_keys_still_get_in()
    {
        var blocked = new BlockedEngine(new ExecutorOptions { WorkerCount = 1, Capacity = 100, MaxQueuedPerKey = 3, FullMode = QueueFullMode.Reject });
        await blocked.BlockAsync();
        var engine = blocked.Engine;
        for (int i = 0; i < 3; i++)
            Assert.True(engine.TrySubmit(Noop("hot", i)));
        Assert.False(engine.TrySubmit(Noop("hot", 3)));
        await Assert.ThrowsAsync<RequestRejectedException>(async () => await engine.SubmitAsync(Noop("hot", 4), default));
        Assert.True(engine.TrySubmit(Noop("cold", 5)));

        blocked.Release();
        var report = await engine.ShutdownAsync();
        var metrics = engine.GetMetrics();
        Assert.Equal(2, metrics.Rejected);
        Assert.Equal(5, metrics.Completed);
        Accounting.AssertBalanced(metrics, report);
    }

    [Fact]
    public async Task Waiting_on_a_per_key_limit_does_not_hold_up_other_keys_and_keeps_the_keys_order()
    {
        var ran = new List<string>();
        var blocked = new BlockedEngine(new ExecutorOptions { WorkerCount = 1, Capacity = 100, MaxQueuedPerKey = 2, FullMode = QueueFullMode.Wait });
        await blocked.BlockAsync();
        var engine = blocked.Engine;
        Work Record(string key, int id) => Engines.Work(key, id, () => { lock (ran) ran.Add(key + id); });
        await engine.SubmitAsync(Record("hot", 1), default);
        await engine.SubmitAsync(Record("hot", 2), default);
        var waiting = engine.SubmitAsync(Record("hot", 3), default).AsTask();
        Assert.False(engine.TrySubmit(Record("hot", 4))); // may not pass the waiting request of its own key
        await engine.SubmitAsync(Record("cold", 1), default).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(waiting.IsCompleted);

        blocked.Release();
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        await engine.ShutdownAsync();
        var hot = ran.Where(r => r.StartsWith("hot")).ToArray();
        Assert.Equal(new[] { "hot1", "hot2", "hot3" }, hot);
        Assert.Contains("cold1", ran);
    }

    [Fact]
    public async Task DropOldest_at_a_per_key_limit_sheds_that_keys_oldest()
    {
        var sink = new ListSink();
        var blocked = new BlockedEngine(new ExecutorOptions { WorkerCount = 1, Capacity = 100, MaxQueuedPerKey = 2, FullMode = QueueFullMode.DropOldest, DeadLetters = sink });
        await blocked.BlockAsync();
        var engine = blocked.Engine;
        Assert.True(engine.TrySubmit(Noop("other", 0)));
        for (int i = 1; i <= 4; i++)
            Assert.True(engine.TrySubmit(Noop("hot", i)));
        blocked.Release();
        var report = await engine.ShutdownAsync();

        Assert.Equal(new[] { 1, 2 }, sink.Letters.Select(l => (int)l.Arguments[0]!));
        Assert.All(sink.Letters, l => Assert.Equal("hot", l.Key));
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }

    [Fact]
    public async Task A_waiting_submit_observed_twice_throws_and_later_waits_are_unaffected()
    {
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 1, Capacity = 1 });
        var gate = new SemaphoreSlim(0);
        var started = new SemaphoreSlim(0);
        Work Blocker(int id) => Engines.Work("blocker", id, async (w, _) =>
        {
            started.Release();
            await gate.WaitAsync();
            return w.Id;
        });

        await engine.SubmitAsync(Blocker(-1), default);
        await started.WaitAsync();
        Assert.True(engine.TrySubmit(Blocker(-2))); // fills the queue
        var waiting = engine.SubmitAsync(Noop("a", 1), default);
        Assert.False(waiting.IsCompleted);
        gate.Release();
        await waiting;
        // The waiter behind this ValueTask is re-used for the next wait: a second look throws and disturbs nothing.
        Assert.Throws<InvalidOperationException>(() => waiting.GetAwaiter().GetResult());

        await started.WaitAsync(); // the second blocker runs; "a" is queued
        var next = engine.SubmitAsync(Noop("b", 2), default);
        Assert.False(next.IsCompleted);
        Assert.Throws<InvalidOperationException>(() => waiting.GetAwaiter().GetResult());
        Assert.False(next.IsCompleted);
        gate.Release();
        await next;
        var report = await engine.ShutdownAsync();
        Assert.Equal(4, report.Completed);
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }

    [Fact]
    public async Task Waiting_submits_cancelled_at_random_are_either_accepted_and_run_or_refused_never_both()
    {
        const int Producers = 4, PerProducer = 2_000;
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2, Capacity = 2 });
        var ran = new int[Producers * PerProducer];
        var accepted = new int[Producers * PerProducer];
        var cancellable = new CancellationTokenSource?[Producers];
        int wrongCancellations = 0;
        bool producing = true;

        // Waiters are re-used: a cancellation that lands as its waiter is admitted, or after, must not touch
        // the waiter's next use. Every submit is accepted (and runs exactly once) or cancelled by its own
        // token (and never runs). A canceller thread cancels whatever submit a producer has in flight, at
        // random moments (timers are too coarse to land inside a wait of microseconds).
        var canceller = new Thread(() =>
        {
            var random = new Random(42);
            while (Volatile.Read(ref producing))
            {
                try
                {
                    Volatile.Read(ref cancellable[random.Next(Producers)])?.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // that submit has finished already
                }
                Thread.SpinWait(random.Next(1_000, 20_000));
            }
        });
        canceller.Start();
        await Task.WhenAll(Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            var random = new Random(p);
            for (int i = 0; i < PerProducer; i++)
            {
                int id = p * PerProducer + i;
                using var cancellation = new CancellationTokenSource();
                Volatile.Write(ref cancellable[p], random.Next(2) == 0 ? cancellation : null);
                try
                {
                    await engine.SubmitAsync(Engines.Work("k" + (id % 5), id, () =>
                    {
                        Interlocked.Increment(ref ran[id]);
                        Thread.SpinWait(2_000);
                    }), cancellation.Token);
                    accepted[id] = 1;
                }
                catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
                {
                    Interlocked.Increment(ref wrongCancellations); // cancelled by another submit's token
                }
                catch (OperationCanceledException)
                {
                }
                Volatile.Write(ref cancellable[p], null);
            }
        })).ToArray());
        Volatile.Write(ref producing, false);
        canceller.Join();
        var report = await engine.ShutdownAsync();

        Assert.Equal(0, wrongCancellations);
        Assert.Equal(accepted, ran);
        Assert.Equal(accepted.Sum(), engine.GetMetrics().Completed);
        Assert.True(accepted.Sum() < accepted.Length, "some submits should have been cancelled");
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }
}
