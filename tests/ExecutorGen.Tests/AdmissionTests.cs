namespace ExecutorGen.Tests;

public class AdmissionTests
{
    [Fact]
    public async Task Reject_refuses_at_capacity_and_counts_the_refusals()
    {
        var blocked = new BlockedEngine(new ExecutorOptions { WorkerCount = 1, Capacity = 4, FullMode = QueueFullMode.Reject });
        await blocked.BlockAsync();
        var engine = blocked.Engine;

        for (int i = 0; i < 4; i++)
            Assert.True(engine.TrySubmit(Engines.Work("k", i, () => { })));
        Assert.False(engine.TrySubmit(Engines.Work("k", 4, () => { })));
        var error = await Assert.ThrowsAsync<RequestRejectedException>(async () => await engine.SubmitAsync(Engines.Work("k", 5, () => { }), default));
        Assert.Equal(RejectionReason.Full, error.Reason);
        await Assert.ThrowsAsync<RequestRejectedException>(() => engine.InvokeAsync<int>(Engines.Work("k", 6, () => { }), default));

        var metrics = engine.GetMetrics();
        Assert.Equal(3, metrics.Rejected);
        Assert.Equal(4, metrics.QueueDepth);
        Assert.Equal(5, metrics.Submitted);
        Assert.Equal(1, metrics.BusyWorkers);

        blocked.Release();
        var report = await engine.ShutdownAsync();
        Assert.Equal(5, report.Completed);
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }

    [Fact]
    public async Task Wait_holds_the_submitter_until_a_slot_frees_and_TrySubmit_never_waits()
    {
        var blocked = new BlockedEngine(new ExecutorOptions { WorkerCount = 1, Capacity = 2, FullMode = QueueFullMode.Wait });
        await blocked.BlockAsync();
        var engine = blocked.Engine;
        await engine.SubmitAsync(Engines.Work("k", 1, () => { }), default);
        await engine.SubmitAsync(Engines.Work("k", 2, () => { }), default);

        var waiting = engine.SubmitAsync(Engines.Work("k", 3, () => { }), default).AsTask();
        Assert.False(engine.TrySubmit(Engines.Work("k", 4, () => { })));
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        blocked.Release();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        var report = await engine.ShutdownAsync();
        var metrics = engine.GetMetrics();
        Assert.Equal(4, metrics.Completed);
        Assert.Equal(1, metrics.Rejected);
        Accounting.AssertBalanced(metrics, report);
    }

    [Fact]
    public async Task A_waiting_submitter_can_cancel_and_is_not_counted_as_rejected()
    {
        var blocked = new BlockedEngine(new ExecutorOptions { WorkerCount = 1, Capacity = 1 });
        await blocked.BlockAsync();
        var engine = blocked.Engine;
        await engine.SubmitAsync(Engines.Work("k", 1, () => { }), default);

        using var cancellation = new CancellationTokenSource();
        var waiting = engine.SubmitAsync(Engines.Work("k", 2, () => { }), cancellation.Token).AsTask();
        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        blocked.Release();
        var report = await engine.ShutdownAsync();
        var metrics = engine.GetMetrics();
        Assert.Equal(0, metrics.Rejected);
        Assert.Equal(2, metrics.Completed);
        Accounting.AssertBalanced(metrics, report);
    }

    [Fact]
    public async Task Shutdown_refuses_waiting_and_new_submitters()
    {
        var blocked = new BlockedEngine(new ExecutorOptions { WorkerCount = 1, Capacity = 1 });
        await blocked.BlockAsync();
        var engine = blocked.Engine;
        await engine.SubmitAsync(Engines.Work("k", 1, () => { }), default);
        var waiting = engine.SubmitAsync(Engines.Work("k", 2, () => { }), default).AsTask();

        var shutdown = engine.ShutdownAsync();
        var error = await Assert.ThrowsAsync<RequestRejectedException>(() => waiting);
        Assert.Equal(RejectionReason.ShuttingDown, error.Reason);
        Assert.False(engine.TrySubmit(Engines.Work("k", 3, () => { })));
        await Assert.ThrowsAsync<RequestRejectedException>(async () => await engine.SubmitAsync(Engines.Work("k", 4, () => { }), default));

        blocked.Release();
        var report = await shutdown;
        var metrics = engine.GetMetrics();
        Assert.Equal(2, metrics.Completed);
        Assert.Equal(3, metrics.Rejected);
        Accounting.AssertBalanced(metrics, report);
    }

    [Fact]
    public async Task A_waiting_submitter_is_woken_once_the_full_queue_has_drained_by_an_eighth_and_nobody_passes_it_meanwhile()
    {
        // Capacity 16, so the slack is 2. Each queued request holds the worker until its own gate opens.
        var gates = new Gates(17);
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 1, Capacity = 16 });
        await engine.SubmitAsync(gates.Work("k0", 0), default); // taken at once: the worker holds it
        await Eventually.Until(() => engine.GetMetrics().BusyWorkers == 1, TimeSpan.FromSeconds(10));
        for (int id = 1; id <= 16; id++)
            Assert.True(engine.TrySubmit(gates.Work("k" + id, id)));
        var waiter = engine.SubmitAsync(Engines.Work("late", 100, () => { }), default).AsTask();
        Assert.False(waiter.IsCompleted);

        gates.Open(0); // one request leaves the queue: 15 queued, one slot free, but the waiter stays held
        await Eventually.Until(() => engine.GetMetrics().QueueDepth == 15, TimeSpan.FromSeconds(10));
        Assert.False(waiter.IsCompleted);
        Assert.False(engine.TrySubmit(Engines.Work("newcomer", 101, () => { }))); // may not take the waiter's room

        gates.Open(1); // 14 queued: drained by the slack, the waiter goes in
        await waiter.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(15, engine.GetMetrics().QueueDepth);
        Assert.True(engine.TrySubmit(Engines.Work("newcomer", 102, () => { })));

        gates.OpenAll();
        var report = await engine.ShutdownAsync();
        Accounting.AssertBalanced(engine.GetMetrics(), report);
        Assert.Equal(19, engine.GetMetrics().Completed);
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_no_hold_behind_for_later_submitters()
    {
        // Capacity 16, at most 2 per key. The only waiter for the capacity gives up; afterwards a waiter held by
        // its key's limit must not make the executor look full to everyone else.
        var gates = new Gates(17);
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 1, Capacity = 16, MaxQueuedPerKey = 2 });
        await engine.SubmitAsync(gates.Work("k0", 0), default);
        await Eventually.Until(() => engine.GetMetrics().BusyWorkers == 1, TimeSpan.FromSeconds(10));
        Assert.True(engine.TrySubmit(gates.Work("hot", 1)));
        Assert.True(engine.TrySubmit(gates.Work("hot", 2)));
        for (int id = 3; id <= 16; id++)
            Assert.True(engine.TrySubmit(gates.Work("k" + id, id)));
        using var giveUp = new CancellationTokenSource();
        var cancelled = engine.SubmitAsync(Engines.Work("x", 100, () => { }), giveUp.Token).AsTask();
        giveUp.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        gates.Open(0); // the worker takes "hot" 1, then (gate 1) "k3": 14 queued
        gates.Open(1);
        await Eventually.Until(() => engine.GetMetrics().QueueDepth == 14 && engine.GetMetrics().BusyWorkers == 1, TimeSpan.FromSeconds(10));
        Assert.True(engine.TrySubmit(Engines.Work("hot", 101, () => { }))); // "hot" is at its limit again: 15 queued
        var keyHeld = engine.SubmitAsync(Engines.Work("hot", 102, () => { }), default).AsTask(); // waits for its key only
        Assert.False(keyHeld.IsCompleted);
        Assert.True(engine.TrySubmit(Engines.Work("other", 103, () => { }))); // the capacity has room: 16 queued

        gates.OpenAll();
        await keyHeld.WaitAsync(TimeSpan.FromSeconds(10));
        var report = await engine.ShutdownAsync();
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }

    [Fact]
    public async Task Backpressure_turns_on_at_the_high_watermark_and_off_under_the_low_one()
    {
        var events = new List<BackpressureChangedEventArgs>();
        var eventSeen = new SemaphoreSlim(0);
        var blocked = new BlockedEngine(new ExecutorOptions { WorkerCount = 1, Capacity = 10, HighWatermark = 0.8, LowWatermark = 0.3 });
        var engine = blocked.Engine;
        engine.BackpressureChanged += (_, e) => { lock (events) events.Add(e); eventSeen.Release(); };
        engine.BackpressureChanged += (_, _) => throw new InvalidOperationException("a broken subscriber");
        await blocked.BlockAsync();

        for (int i = 0; i < 7; i++)
            await engine.SubmitAsync(Engines.Work("k", i, () => { }), default);
        Assert.False(engine.Backpressure.IsActive);
        await engine.SubmitAsync(Engines.Work("k", 7, () => { }), default);
        Assert.True(engine.Backpressure.IsActive);
        Assert.Equal(BackpressureReason.QueueFill, engine.Backpressure.Reasons);
        Assert.Equal(0.8, engine.Backpressure.QueueFill, 3);
        Assert.True(await eventSeen.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(engine.GetMetrics().Backpressure.IsActive);

        blocked.Release();
        Assert.True(await eventSeen.WaitAsync(TimeSpan.FromSeconds(10)));
        await engine.ShutdownAsync();
        Assert.False(engine.Backpressure.IsActive);
        lock (events)
        {
            Assert.Equal(2, events.Count);
            Assert.True(events[0].Current.IsActive);
            Assert.False(events[0].Previous.IsActive);
            Assert.False(events[1].Current.IsActive);
            Assert.True(events[1].Previous.IsActive);
            Assert.True(events[1].Current.QueueFill < 0.3);
        }
    }

    [Theory]
    [InlineData(nameof(ExecutorOptions.WorkerCount))]
    [InlineData(nameof(ExecutorOptions.Capacity))]
    [InlineData(nameof(ExecutorOptions.MaxAttempts))]
    [InlineData(nameof(ExecutorOptions.RetryBackoff))]
    [InlineData(nameof(ExecutorOptions.HighWatermark))]
    [InlineData(nameof(ExecutorOptions.LowWatermark))]
    [InlineData(nameof(ExecutorOptions.FullMode))]
    [InlineData(nameof(ExecutorOptions.Ordering))]
    [InlineData(nameof(ExecutorOptions.MaxQueuedPerKey))]
    [InlineData(nameof(ExecutorOptions.DeadLetterPolicy))]
    [InlineData(nameof(ExecutorOptions.LatencyThreshold))]
    [InlineData(nameof(ExecutorOptions.SaturationThreshold))]
    [InlineData(nameof(ExecutorOptions.BackpressureWindow))]
    [InlineData(nameof(ExecutorOptions.StuckAfter))]
    [InlineData(nameof(ExecutorOptions.HandlerTimeout))]
    public void Invalid_options_are_refused_with_the_option_named(string option)
    {
        var options = new ExecutorOptions();
        switch (option)
        {
            case nameof(ExecutorOptions.WorkerCount): options.WorkerCount = 0; break;
            case nameof(ExecutorOptions.Capacity): options.Capacity = 0; break;
            case nameof(ExecutorOptions.MaxAttempts): options.MaxAttempts = 0; break;
            case nameof(ExecutorOptions.RetryBackoff): options.RetryBackoff = TimeSpan.FromMilliseconds(-1); break;
            case nameof(ExecutorOptions.HighWatermark): options.HighWatermark = 1.5; break;
            case nameof(ExecutorOptions.LowWatermark): options.LowWatermark = 0.9; break;
            case nameof(ExecutorOptions.FullMode): options.FullMode = (QueueFullMode)42; break;
            case nameof(ExecutorOptions.Ordering): options.Ordering = (Ordering)42; break;
            case nameof(ExecutorOptions.MaxQueuedPerKey): options.MaxQueuedPerKey = 0; break;
            case nameof(ExecutorOptions.DeadLetterPolicy): options.DeadLetterPolicy = (DeadLetterPolicy)7; break;
            case nameof(ExecutorOptions.LatencyThreshold): options.LatencyThreshold = TimeSpan.Zero; break;
            case nameof(ExecutorOptions.SaturationThreshold): options.SaturationThreshold = 0; break;
            case nameof(ExecutorOptions.BackpressureWindow): options.BackpressureWindow = TimeSpan.FromMilliseconds(1); break;
            case nameof(ExecutorOptions.StuckAfter): options.StuckAfter = TimeSpan.Zero; break;
            case nameof(ExecutorOptions.HandlerTimeout): options.HandlerTimeout = TimeSpan.Zero; break;
        }
        var error = Assert.ThrowsAny<ArgumentException>(() => Engines.Create(options));
        Assert.Equal(option, error.ParamName);
    }

    [Fact]
    public void Clone_copies_every_setting_and_leaves_the_original_alone()
    {
        var sink = new ListSink();
        var original = new ExecutorOptions { WorkerCount = 3, Capacity = 7, FullMode = QueueFullMode.DropOldest, MaxQueuedPerKey = 2, DeadLetters = sink, StuckAfter = null };
        var copy = original.Clone();
        Assert.NotSame(original, copy);
        Assert.Equal((3, 7, QueueFullMode.DropOldest, (int?)2, (TimeSpan?)null), (copy.WorkerCount, copy.Capacity, copy.FullMode, copy.MaxQueuedPerKey, copy.StuckAfter));
        Assert.Same(sink, copy.DeadLetters);

        copy.WorkerCount = 9;
        copy.DeadLetters = null;
        Assert.Equal(3, original.WorkerCount);
        Assert.Same(sink, original.DeadLetters);
    }

    [Fact]
    public void Default_capacity_is_1024_per_worker()
    {
        Assert.Equal(3 * 1024, new ExecutorOptions { WorkerCount = 3 }.EffectiveCapacity);
        Assert.Equal(5, new ExecutorOptions { WorkerCount = 3, Capacity = 5 }.EffectiveCapacity);
        Assert.Equal(Environment.ProcessorCount, new ExecutorOptions().WorkerCount);
    }
}
