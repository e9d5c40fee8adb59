namespace ExecutorGen.Tests;

public class ShutdownTests
{
    [Fact]
    public async Task Drain_runs_every_accepted_request_then_stops_every_worker()
    {
        int ran = 0;
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 4 });
        for (int i = 0; i < 5_000; i++)
        {
            await engine.SubmitAsync(Engines.Work("k" + (i % 100), i, async (w, _) =>
            {
                if (w.Id % 500 == 0)
                    await Task.Delay(1);
                Interlocked.Increment(ref ran);
                return w.Id;
            }), default);
        }
        var report = await engine.DisposeAndReportAsync();

        Assert.Equal(5_000, Volatile.Read(ref ran));
        Assert.Equal(5_000, report.Completed);
        Assert.Empty(report.Unprocessed);
        Assert.False(report.TimedOut);
        Assert.True(engine.WorkersStopped);
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }

    [Fact]
    public async Task Under_PerPartition_cancel_reports_the_unstarted_requests_of_every_partition_in_submission_order()
    {
        var keys = FairAdmissionTests.KeysOfPartitions(2);
        var gates = new Gates(2);
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2, Ordering = Ordering.PerPartition });
        await engine.SubmitAsync(gates.Work(keys[0][0], 0), default);
        await engine.SubmitAsync(gates.Work(keys[1][0], 1), default);
        await Eventually.Until(() => engine.GetMetrics().BusyWorkers == 2, TimeSpan.FromSeconds(10));
        // Partitions taken in an uneven pattern, so that neither partition's requests alone give the order.
        int[] partitionOf = { 0, 1, 1, 0, 0, 0, 1, 0, 1, 1 };
        for (int id = 2; id < 12; id++)
            await engine.SubmitAsync(Engines.Work(keys[partitionOf[id - 2]][id % 3], id, () => { }), default);

        var shutdown = engine.ShutdownAsync(ShutdownMode.Cancel);
        gates.OpenAll();
        var report = await shutdown;

        Assert.Equal(Enumerable.Range(2, 10), report.Unprocessed.Select(r => (int)r.Arguments[0]!));
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }

    [Fact]
    public async Task Cancel_cancels_running_handlers_and_returns_every_request_that_never_started()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 1 });
        await engine.SubmitAsync(Engines.Work("alice", 0, async (w, token) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, token);
            return w.Id;
        }), default);
        await started.Task;
        var pending = new List<Task<int>>();
        for (int i = 1; i <= 10; i++)
            pending.Add(engine.InvokeAsync<int>(Engines.Work(i % 2 == 0 ? "alice" : null, i, () => { }), default));

        var report = await engine.ShutdownAsync(ShutdownMode.Cancel);
        var metrics = engine.GetMetrics();

        Assert.Equal(10, report.Unprocessed.Count);
        Assert.Equal(Enumerable.Range(1, 10), report.Unprocessed.Select(r => (int)r.Arguments[0]!).Order());
        var unprocessed = report.Unprocessed.Single(r => (int)r.Arguments[0]! == 2);
        Assert.Equal("Work", unprocessed.Handler);
        Assert.Equal("alice", unprocessed.Key);
        Assert.Null(report.Unprocessed.Single(r => (int)r.Arguments[0]! == 1).Key);
        Assert.Equal(1, metrics.Cancelled);
        Assert.Equal(0, metrics.Completed);
        Assert.All(pending, task => Assert.True(task.IsCanceled));
        Assert.True(engine.WorkersStopped);
        Accounting.AssertBalanced(metrics, report);
    }

    [Fact]
    public async Task Metrics_tell_where_the_executor_is_in_its_life()
    {
        var blocked = new BlockedEngine(new ExecutorOptions { WorkerCount = 1 });
        await blocked.BlockAsync();
        Assert.Equal(ExecutorState.Running, blocked.Engine.GetMetrics().State);
        var shutdown = blocked.Engine.ShutdownAsync();
        Assert.Equal(ExecutorState.ShuttingDown, blocked.Engine.GetMetrics().State);
        blocked.Release();
        await shutdown;
        Assert.Equal(ExecutorState.Stopped, blocked.Engine.GetMetrics().State);
    }

    [Fact]
    public async Task Shutdown_is_idempotent_and_later_calls_return_the_first_report()
    {
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2 });
        await engine.SubmitAsync(Engines.Work("k", 1, () => { }), default);
        var first = engine.ShutdownAsync(ShutdownMode.Drain);
        var second = engine.ShutdownAsync(ShutdownMode.Cancel, TimeSpan.Zero);
        Assert.Same(await first, await second);
        await engine.DisposeAsync();
        Assert.Same(await first, await engine.ShutdownAsync());
    }

    [Fact]
    public async Task A_drain_that_times_out_cancels_handlers_and_reports_what_never_started()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        CancellationToken seen = default;
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 1 });
        await engine.SubmitAsync(Engines.Work("k", 0, async (w, token) =>
        {
            seen = token;
            started.SetResult();
            await release.Task; // ignores its token on purpose
            return w.Id;
        }), default);
        await started.Task;
        for (int i = 1; i <= 3; i++)
            await engine.SubmitAsync(Engines.Work("k", i, () => { }), default);

        var report = await engine.ShutdownAsync(ShutdownMode.Drain, TimeSpan.FromMilliseconds(100));

        Assert.True(report.TimedOut);
        Assert.True(seen.IsCancellationRequested);
        Assert.Equal(3, report.Unprocessed.Count);
        release.SetResult();
        await Eventually.Until(() => engine.WorkersStopped, TimeSpan.FromSeconds(5));
        var metrics = engine.GetMetrics();
        Assert.Equal(1, metrics.Completed); // the straggler finished after the report
        Assert.Equal(metrics.Submitted, metrics.Completed + report.Unprocessed.Count);
    }

    [Theory]
    [InlineData(Ordering.PerKey)]
    [InlineData(Ordering.PerPartition)]
    public async Task A_cancel_shutdown_releases_the_lanes_of_the_requests_it_reports(Ordering ordering)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2, Ordering = ordering });
        for (int id = 0; id < 40; id++)
        {
            await engine.SubmitAsync(Engines.Work("k" + id % 10, id, async (w, _) =>
            {
                await gate.Task;
                return w.Id;
            }), default);
        }
        await Eventually.Until(() => engine.GetMetrics().BusyWorkers == 2, TimeSpan.FromSeconds(10));

        var shutdown = engine.ShutdownAsync(ShutdownMode.Cancel);
        gate.SetResult();
        var report = await shutdown;

        Assert.Equal(38, report.Unprocessed.Count);
        Assert.Equal(0, engine.LaneCount); // under PerPartition the reported requests' lanes were kept before
    }

    [Fact]
    public async Task Bad_shutdown_arguments_are_refused_by_name()
    {
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 1 });
        // Argument errors are thrown synchronously, before shutdown begins.
        Assert.Equal("mode", ThrownSynchronously(() => engine.ShutdownAsync((ShutdownMode)9)).ParamName);
        Assert.Equal("timeout", ThrownSynchronously(() => engine.ShutdownAsync(timeout: TimeSpan.FromSeconds(-2))).ParamName);
        Assert.False(engine.GetMetrics().Backpressure.IsActive);
        Assert.True(engine.TrySubmit(Engines.Work("k", 1, () => { })));
        await engine.ShutdownAsync();
    }

    [Fact]
    public async Task Shutdown_racing_submitters_loses_and_duplicates_nothing()
    {
        for (int round = 0; round < 20; round++)
        {
            var mode = round % 2 == 0 ? ShutdownMode.Drain : ShutdownMode.Cancel;
            var executions = new int[40_000];
            var engine = Engines.Create(new ExecutorOptions { WorkerCount = 3, Capacity = 256, Ordering = round % 3 == 0 ? Ordering.Unordered : Ordering.PerPartition });
            int accepted = 0, refused = 0;
            var producers = Enumerable.Range(0, 4).Select(p => Task.Run(async () =>
            {
                for (int i = p; i < executions.Length; i += 4)
                {
                    int id = i;
                    var work = Engines.Work("k" + (id % 37), id, () => Interlocked.Increment(ref executions[id]));
                    try
                    {
                        if (id % 2 == 0)
                            await engine.SubmitAsync(work, default);
                        else if (!engine.TrySubmit(work))
                        {
                            Interlocked.Increment(ref refused);
                            continue;
                        }
                        Interlocked.Increment(ref accepted);
                    }
                    catch (RequestRejectedException)
                    {
                        Interlocked.Increment(ref refused);
                    }
                }
            })).ToArray();
            await Task.Delay(round % 5);
            var report = await engine.ShutdownAsync(mode);
            await Task.WhenAll(producers);
            var metrics = engine.GetMetrics();

            Assert.All(executions, count => Assert.InRange(count, 0, 1));
            var unprocessed = report.Unprocessed.Select(r => (int)r.Arguments[0]!).ToHashSet();
            Assert.Equal(report.Unprocessed.Count, unprocessed.Count);
            Assert.All(unprocessed, id => Assert.Equal(0, executions[id]));
            Assert.Equal(accepted, metrics.Submitted);
            Assert.Equal(refused, metrics.Rejected);
            Assert.Equal(executions.Sum(), metrics.Completed);
            Assert.True(engine.WorkersStopped);
            Accounting.AssertBalanced(metrics, report);
        }
    }

    private static ArgumentOutOfRangeException ThrownSynchronously(Func<Task> call)
    {
        try
        {
            call();
        }
        catch (ArgumentOutOfRangeException exception)
        {
            return exception;
        }
        throw new Xunit.Sdk.XunitException("Expected a synchronous ArgumentOutOfRangeException.");
    }

}

internal static class EngineExtensions
{
    public static async Task<ShutdownReport> DisposeAndReportAsync(this ExecutorGen.Runtime.ExecutorEngine<string, Work, WorkDispatcher> engine)
    {
        await engine.DisposeAsync();
        return await engine.ShutdownAsync();
    }
}
