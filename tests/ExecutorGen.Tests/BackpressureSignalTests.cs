using System.Collections.Concurrent;
using System.Diagnostics;
using ExecutorGen.Runtime;

namespace ExecutorGen.Tests;

[Collection(nameof(TimingSensitive))]
public class BackpressureSignalTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task Sustained_overload_raises_backpressure_and_it_clears_after()
    {
        var events = new ConcurrentQueue<BackpressureChangedEventArgs>();
        var blocked = new BlockedEngine(new ExecutorOptions
        {
            WorkerCount = 1,
            Capacity = 100_000,
            BackpressureWindow = Window,
            LatencyThreshold = TimeSpan.FromMilliseconds(100),
        });
        var engine = blocked.Engine;
        engine.BackpressureChanged += (_, e) => events.Enqueue(e);
        await blocked.BlockAsync();

        // Arrivals keep outpacing completions (none) with the only worker busy, until the signal is raised.
        var limit = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        int id = 0;
        var started = DateTime.UtcNow;
        while (!engine.Backpressure.Reasons.HasFlag(BackpressureReason.ArrivalRate | BackpressureReason.Saturation) && DateTime.UtcNow < limit)
        {
            Assert.True(engine.TrySubmit(Engines.Work("k" + id % 10, id++, () => { })));
            await Task.Delay(5);
        }
        var raised = engine.Backpressure;
        // The trend must hold in 8 of a window's 10 samples; allow one sample of timer jitter.
        Assert.True(DateTime.UtcNow - started >= Window * 0.7, "raised before the trend had lasted most of a window");
        Assert.True(raised.Reasons.HasFlag(BackpressureReason.Saturation), raised.ToString());
        Assert.True(raised.Reasons.HasFlag(BackpressureReason.ArrivalRate), raised.ToString());
        Assert.False(raised.Reasons.HasFlag(BackpressureReason.QueueFill));
        Assert.True(raised.Saturation >= 0.9);
        Assert.True(raised.ArrivalRate > raised.CompletionRate);

        blocked.Release(); // the backlog drains and arrivals stop
        await Eventually.Until(() => !engine.Backpressure.IsActive, Window * 10);
        Assert.True(engine.GetMetrics().Backpressure.Reasons == BackpressureReason.None);
        await engine.ShutdownAsync();
        await Eventually.Until(() => events.Any(e => !e.Current.IsActive), Window * 10);
        Assert.Contains(events, e => e.Current.Reasons.HasFlag(BackpressureReason.ArrivalRate));
    }

    [Fact]
    public async Task A_producer_flooding_the_executor_for_seconds_raises_backpressure_once_and_it_clears_once_after()
    {
        // One producer keeps a two-worker executor full for three seconds (1 ms handlers, capacity 200, producers
        // wait). The signal must go up once and stay up, and the queue must stay full: a producer starved of a
        // thread while the workers ran let the queue drain to empty again and again, raising the signal on and
        // off twenty times in one overload.
        var transitions = new ConcurrentQueue<bool>();
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2, Capacity = 200, FullMode = QueueFullMode.Wait });
        engine.BackpressureChanged += (_, e) =>
        {
            if (e.Previous.IsActive != e.Current.IsActive)
                transitions.Enqueue(e.Current.IsActive);
        };
        var flood = Stopwatch.StartNew();
        var depths = new List<long>();
        var sampler = Task.Run(async () =>
        {
            while (flood.Elapsed < TimeSpan.FromSeconds(2.9))
            {
                if (flood.Elapsed > TimeSpan.FromSeconds(0.5))
                    depths.Add(engine.GetMetrics().QueueDepth);
                await Task.Delay(20);
            }
        });
        int id = 0;
        while (flood.Elapsed < TimeSpan.FromSeconds(3))
            await engine.SubmitAsync(Engines.Work("k" + id % 50, id++, () => Thread.Sleep(1)), default);
        await sampler;
        Assert.True(engine.Backpressure.IsActive, engine.Backpressure.ToString());

        await Eventually.Until(() => !engine.Backpressure.IsActive, TimeSpan.FromSeconds(10)); // the flood has ended
        await Eventually.Until(() => transitions.Count == 2, TimeSpan.FromSeconds(10));
        await engine.ShutdownAsync();

        Assert.Equal(new[] { true, false }, transitions);
        // The queue stayed over the low watermark (60 %) while the producer kept it busy.
        Assert.True(depths.Count > 10 && depths.Min() >= 120, $"queue depth during the flood: {string.Join(", ", depths)}");
    }

    [Fact]
    public async Task Under_PerPartition_queue_fill_is_raised_once_the_partitions_add_up_to_the_high_watermark()
    {
        // Two workers, capacity 10 (partitions of 5), high watermark 8. The first partition fills (5), the second
        // holds 3: together 8, though the second is under its own share of the watermark (4). No admission adds
        // the partitions up then; the timer must.
        var keys = FairAdmissionTests.KeysOfPartitions(2);
        var gates = new Gates(2);
        var engine = Engines.Create(new ExecutorOptions
        {
            WorkerCount = 2, Capacity = 10, Ordering = Ordering.PerPartition, BackpressureWindow = Window,
        });
        await engine.SubmitAsync(gates.Work(keys[0][0], 0), default);
        await engine.SubmitAsync(gates.Work(keys[1][0], 1), default);
        await Eventually.Until(() => engine.GetMetrics().BusyWorkers == 2, TimeSpan.FromSeconds(10));
        for (int id = 2; id < 7; id++)
            Assert.True(engine.TrySubmit(Engines.Work(keys[0][id % 3], id, () => { })));
        Assert.False(engine.Backpressure.IsActive);
        for (int id = 7; id < 10; id++)
            Assert.True(engine.TrySubmit(Engines.Work(keys[1][id % 3], id, () => { })));

        await Eventually.Until(() => engine.Backpressure.Reasons.HasFlag(BackpressureReason.QueueFill), Window * 10);
        Assert.Equal(0.8, engine.Backpressure.QueueFill);
        gates.OpenAll();
        await Eventually.Until(() => !engine.Backpressure.IsActive, Window * 10);
        var report = await engine.ShutdownAsync();
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }

    [Fact]
    public void Queue_fill_is_raised_at_the_high_watermark_and_clears_once_the_queue_stayed_under_the_low_watermark_a_sample_interval()
    {
        // Capacity 10: high watermark 8, low 6. A one-second window samples every 100 ms: that is the dwell.
        var monitor = new BackpressureMonitor(
            new ExecutorOptions { WorkerCount = 1, Capacity = 10, BackpressureWindow = TimeSpan.FromSeconds(1) }, 1, _ => { });
        long interval = Stopwatch.Frequency / 10;
        long start = Stopwatch.GetTimestamp();

        Assert.False(monitor.QueueFill.Raised(7));
        Assert.True(monitor.QueueFill.Raised(8));
        Assert.False(monitor.QueueFill.Settled(start, 2)); // a dip: the clock starts
        Assert.False(monitor.QueueFill.Settled(start + interval / 2, 6)); // back at the low watermark: the clock stops
        Assert.False(monitor.QueueFill.Settled(start + 10 * interval, 5)); // under it again: a new clock

        long dipped = start + 10 * interval;
        Assert.False(monitor.QueueFill.Settled(dipped + interval / 2, 0)); // further down: the clock keeps running
        Assert.True(monitor.QueueFill.Settled(dipped + interval, 3));

        Assert.True(monitor.QueueFill.Raised(9)); // a new episode: its clear needs a new interval under the low watermark
        Assert.False(monitor.QueueFill.Settled(dipped + 2 * interval, 3));
    }

    [Fact]
    public async Task Queue_time_over_the_threshold_for_a_window_raises_latency_and_it_clears_when_a_calm_window_follows()
    {
        // Requests wait 20 ms each behind one worker: the window's p99 queue time is far over 5 ms.
        var engine = Engines.Create(new ExecutorOptions
        {
            WorkerCount = 1,
            Capacity = 100_000,
            BackpressureWindow = Window,
            LatencyThreshold = TimeSpan.FromMilliseconds(5),
        });
        for (int i = 0; i < 60; i++)
            Assert.True(engine.TrySubmit(Engines.Work("k" + i % 10, i, () => Thread.Sleep(20))));
        await Eventually.Until(() => engine.Backpressure.Reasons.HasFlag(BackpressureReason.Latency), TimeSpan.FromSeconds(20));
        Assert.True(engine.Backpressure.QueueTimeP99 > TimeSpan.FromMilliseconds(5), engine.Backpressure.ToString());

        // Once the backlog is gone, a window of fast requests judges the latency of that window alone.
        await Eventually.Until(() => engine.GetMetrics().QueueDepth == 0, TimeSpan.FromSeconds(20));
        var calm = Task.Run(async () =>
        {
            for (int i = 0; i < 200 && engine.Backpressure.Reasons.HasFlag(BackpressureReason.Latency); i++)
            {
                engine.TrySubmit(Engines.Work("calm", i, () => { }));
                await Task.Delay(10);
            }
        });
        await calm;
        Assert.False(engine.Backpressure.Reasons.HasFlag(BackpressureReason.Latency), engine.Backpressure.ToString());
        await engine.ShutdownAsync();
    }

    [Fact]
    public async Task A_burst_shorter_than_the_window_raises_nothing()
    {
        var events = new ConcurrentQueue<BackpressureChangedEventArgs>();
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2, Capacity = 100_000, BackpressureWindow = Window });
        engine.BackpressureChanged += (_, e) => events.Enqueue(e);
        await Task.Delay(Window * 1.2); // a full window of calm first

        for (int i = 0; i < 2_000; i++)
            Assert.True(engine.TrySubmit(Engines.Work("k" + i % 50, i, () => { })));
        await Task.Delay(Window * 2.5);

        Assert.Empty(events);
        Assert.False(engine.Backpressure.IsActive);
        await engine.ShutdownAsync();
    }

    [Fact]
    public async Task Queue_time_p99_over_the_threshold_raises_latency()
    {
        var blocked = new BlockedEngine(new ExecutorOptions
        {
            WorkerCount = 1,
            Capacity = 100_000,
            BackpressureWindow = Window,
            LatencyThreshold = TimeSpan.FromMilliseconds(20),
            SaturationThreshold = 1.0,
        });
        var engine = blocked.Engine;
        await blocked.BlockAsync();
        for (int i = 0; i < 50; i++)
            Assert.True(engine.TrySubmit(Engines.Work("k", i, () => Thread.Sleep(2))));
        await Task.Delay(100);
        blocked.Release(); // each of them waited over 100 ms in the queue

        await Eventually.Until(() => engine.Backpressure.Reasons.HasFlag(BackpressureReason.Latency), Window * 10);
        Assert.True(engine.Backpressure.QueueTimeP99 > TimeSpan.FromMilliseconds(20));
        await engine.ShutdownAsync();
        Assert.False(engine.Backpressure.IsActive);
    }

}
