using System.Collections.Concurrent;

namespace ExecutorGen.Tests;

[Collection(nameof(TimingSensitive))]
public class SupervisionTests
{
    [Fact]
    public async Task A_stuck_handler_is_reported_and_the_other_keys_keep_every_worker()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stuckEvents = new ConcurrentQueue<WorkerStuckEventArgs>();
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2, StuckAfter = TimeSpan.FromMilliseconds(100) });
        engine.WorkerStuck += (_, e) => stuckEvents.Enqueue(e);
        var stuck = new[] { "a", "b" }.Select(key => engine.InvokeAsync<int>(Engines.Work(key, 0, async (w, _) =>
        {
            await release.Task;
            return w.Id;
        }), default)).ToArray();

        // Both workers are held and reported; the supervisor has started replacements, so other keys still run.
        await Eventually.Until(() => engine.GetMetrics().StuckWorkers == 2, TimeSpan.FromSeconds(10));
        var others = Enumerable.Range(1, 20).Select(i => engine.InvokeAsync<int>(Engines.Work("other-" + i, i, () => { }), default)).ToArray();
        await Task.WhenAll(others).WaitAsync(TimeSpan.FromSeconds(10));

        var metrics = engine.GetMetrics();
        Assert.Equal(2, metrics.StuckWorkers);
        Assert.Equal(2, metrics.Workers.Count(w => w.IsStuck));
        Assert.True(metrics.Workers.Count >= 4);
        await Eventually.Until(() => stuckEvents.Count == 2, TimeSpan.FromSeconds(10));
        Assert.All(stuckEvents, e => Assert.True(e.ReplacementStarted && e.RunningFor >= TimeSpan.FromMilliseconds(100)));

        release.SetResult();
        await Task.WhenAll(stuck);
        await Eventually.Until(() => engine.GetMetrics().StuckWorkers == 0, TimeSpan.FromSeconds(10));
        var report = await engine.ShutdownAsync();
        Assert.True(engine.WorkersStopped);
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }

    [Fact]
    public async Task A_stuck_report_stands_until_that_handler_returns_whatever_clock_a_later_pass_reads()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 1, StuckAfter = TimeSpan.FromHours(1) });
        var slow = engine.InvokeAsync<int>(Engines.Work("slow", 0, async (w, _) =>
        {
            started.SetResult();
            await release.Task;
            return w.Id;
        }), default);
        await started.Task;

        // A pass two hours ahead reports it; the engine's own timer, on the real clock, must not take that back.
        engine.SuperviseAt(System.Diagnostics.Stopwatch.GetTimestamp() + 2 * 3600 * System.Diagnostics.Stopwatch.Frequency);
        engine.SuperviseAt(System.Diagnostics.Stopwatch.GetTimestamp());
        Assert.Equal(1, engine.GetMetrics().StuckWorkers);

        release.SetResult();
        await slow;
        await engine.ShutdownAsync(); // once the request is finished the mark is gone
        Assert.Equal(0, engine.GetMetrics().StuckWorkers);
    }

    [Theory]
    [InlineData("taken", Ordering.PerKey)]
    [InlineData("executed", Ordering.PerKey)]
    [InlineData("taken", Ordering.PerPartition)] // the request goes back to the front of its worker's own queue
    [InlineData("executed", Ordering.PerPartition)]
    public async Task A_worker_loop_that_faults_in_the_engine_restarts_and_loses_or_repeats_nothing(string faultPoint, Ordering ordering)
    {
        const int Count = 2_000;
        var successes = new int[Count];
        var order = new ConcurrentDictionary<string, List<int>>();
        int faults = 0;
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 3, Ordering = ordering });
        engine.FaultInjector = point =>
        {
            if (point == faultPoint && Interlocked.Increment(ref faults) % 97 == 0)
                throw new InvalidOperationException("injected engine fault at " + point);
        };
        for (int i = 0; i < Count; i++)
        {
            int id = i;
            string key = "k" + (i % 10);
            await engine.SubmitAsync(Engines.Work(key, id, () =>
            {
                Interlocked.Increment(ref successes[id]);
                var seen = order.GetOrAdd(key, _ => new List<int>());
                lock (seen) seen.Add(id);
            }), default);
        }
        var report = await engine.ShutdownAsync();
        var metrics = engine.GetMetrics();

        Assert.True(metrics.WorkerRestarts >= Count / 97 - 1, $"only {metrics.WorkerRestarts} restarts");
        Assert.All(successes, count => Assert.Equal(1, count));
        Assert.All(order.Values, ids => Assert.Equal(ids.Order(), ids));
        Assert.Equal(Count, metrics.Completed);
        Accounting.AssertBalanced(metrics, report);
    }

    [Fact]
    public async Task Dedicated_threads_run_blocking_handlers_on_named_threads_and_end_at_shutdown()
    {
        var threadNames = new ConcurrentBag<string?>();
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2, DedicatedThreads = true });
        for (int i = 0; i < 200; i++)
        {
            await engine.SubmitAsync(Engines.Work("k" + (i % 4), i, () =>
            {
                Thread.Sleep(1);
                threadNames.Add(Thread.CurrentThread.Name);
            }), default);
        }
        Assert.Equal(7, await engine.InvokeAsync<int>(Engines.Work("k0", 7, (w, _) => new ValueTask<int>(w.Id)), default));
        var report = await engine.ShutdownAsync();

        Assert.All(threadNames, name => Assert.StartsWith("Tests.WorkExecutor worker ", name));
        Assert.Equal(200 + 1, report.Completed);
        Assert.True(engine.WorkersStopped);
    }

}
