using ExecutorGen.Runtime;

namespace ExecutorGen.Tests;

/// <summary>A handler that calls its own executor: waits that could never end are refused at once, not hung.</summary>
public class OwnHandlerCallTests
{
    private static readonly TimeSpan s_limit = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(Ordering.PerKey)]
    [InlineData(Ordering.PerPartition)]
    public async Task InvokeAsync_for_the_handlers_own_key_throws_at_once_even_after_an_await(Ordering ordering)
    {
        ExecutorEngine<string, Work, WorkDispatcher>? engine = null;
        engine = Engines.Create(new ExecutorOptions { WorkerCount = 3, Ordering = ordering });
        var outer = engine.InvokeAsync<int>(Engines.Work("alice", 1, async (w, _) =>
        {
            await Task.Yield(); // the check must hold on whatever thread the handler continues
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.InvokeAsync<int>(Engines.Work("alice", 2, (v, _) => new ValueTask<int>(v.Id)), default));
            Assert.Contains("the same key", error.Message);
            Assert.Contains("SubmitAsync", error.Message);
            return w.Id;
        }), default);

        Assert.Equal(1, await outer.WaitAsync(s_limit));
        var report = await engine.ShutdownAsync();
        Accounting.AssertBalanced(engine.GetMetrics(), report);
        Assert.Equal(1, engine.GetMetrics().Submitted); // the refused call was never accepted
    }

    [Fact]
    public async Task Under_PerPartition_a_key_of_the_callers_partition_is_refused_and_a_key_of_another_runs()
    {
        ExecutorEngine<string, Work, WorkDispatcher>? engine = null;
        engine = Engines.Create(new ExecutorOptions { WorkerCount = 3, Ordering = Ordering.PerPartition });
        string caller = "k0";
        string mate = Enumerable.Range(1, 500).Select(i => "k" + i).First(k => PartitionHash.Bucket(k, 3) == PartitionHash.Bucket(caller, 3));
        string other = Enumerable.Range(1, 500).Select(i => "k" + i).First(k => PartitionHash.Bucket(k, 3) != PartitionHash.Bucket(caller, 3));
        var outer = engine.InvokeAsync<int>(Engines.Work(caller, 1, async (w, _) =>
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.InvokeAsync<int>(Engines.Work(mate, 2, (v, _) => new ValueTask<int>(v.Id)), default));
            Assert.Contains("PerPartition", error.Message);
            return await engine.InvokeAsync<int>(Engines.Work(other, 3, (v, _) => new ValueTask<int>(v.Id)), default);
        }), default);

        Assert.Equal(3, await outer.WaitAsync(s_limit));
        await engine.ShutdownAsync();
    }

    [Fact]
    public async Task Under_PerPartition_a_request_without_a_key_invoked_by_a_handler_runs_in_another_partition()
    {
        ExecutorEngine<string, Work, WorkDispatcher>? engine = null;
        engine = Engines.Create(new ExecutorOptions { WorkerCount = 2, Ordering = Ordering.PerPartition });
        // Round robin alone would put every other call into the caller's own partition, whose worker is the caller.
        var outer = engine.InvokeAsync<int>(Engines.Work("a", 0, async (_, _) =>
        {
            int sum = 0;
            for (int i = 1; i <= 20; i++)
                sum += await engine.InvokeAsync<int>(Engines.Work(null, i, (v, _) => new ValueTask<int>(v.Id)), default);
            return sum;
        }), default);

        Assert.Equal(210, await outer.WaitAsync(s_limit));
        await engine.ShutdownAsync();
    }

    [Fact]
    public async Task Under_PerKey_another_key_runs_on_another_worker_but_with_one_worker_any_call_is_refused()
    {
        ExecutorEngine<string, Work, WorkDispatcher>? several = null, single = null;
        several = Engines.Create(new ExecutorOptions { WorkerCount = 2 });
        single = Engines.Create(new ExecutorOptions { WorkerCount = 1 });

        Assert.Equal(7, await several.InvokeAsync<int>(Engines.Work("a", 1, async (_, _) =>
            await several.InvokeAsync<int>(Engines.Work("b", 7, (v, _) => new ValueTask<int>(v.Id)), default)), default).WaitAsync(s_limit));
        var error = await single.InvokeAsync<int>(Engines.Work("a", 1, async (_, _) =>
        {
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => single.InvokeAsync<int>(Engines.Work("b", 7, (v, _) => new ValueTask<int>(v.Id)), default));
            return refused.Message.Contains("only worker", StringComparison.Ordinal) ? 1 : 0;
        }), default).WaitAsync(s_limit);

        Assert.Equal(1, error);
        await several.ShutdownAsync();
        await single.ShutdownAsync();
    }

    [Fact]
    public async Task A_caller_outside_the_executor_waits_for_a_busy_key_as_usual()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 1 });
        var holding = engine.InvokeAsync<int>(Engines.Work("a", 1, async (w, _) =>
        {
            await release.Task;
            return w.Id;
        }), default);
        var waiting = engine.InvokeAsync<int>(Engines.Work("a", 2, (w, _) => new ValueTask<int>(w.Id)), default);

        release.SetResult();

        Assert.Equal(new[] { 1, 2 }, await Task.WhenAll(holding, waiting).WaitAsync(s_limit));
        await engine.ShutdownAsync();
    }

    [Fact]
    public async Task SubmitAsync_from_a_handler_into_its_full_executor_is_refused_instead_of_waiting_for_room()
    {
        ExecutorEngine<string, Work, WorkDispatcher>? engine = null;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        engine = Engines.Create(new ExecutorOptions { WorkerCount = 1, Capacity = 2, FullMode = QueueFullMode.Wait });
        var outer = engine.InvokeAsync<int>(Engines.Work("a", 1, async (w, _) =>
        {
            await release.Task;
            await engine.SubmitAsync(Engines.Work("b", 10, () => { }), default); // the last place ("c" holds the other)
            var full = await Assert.ThrowsAsync<RequestRejectedException>(() => engine.SubmitAsync(Engines.Work("b", 11, () => { }), default).AsTask());
            return full.Reason == RejectionReason.Full ? w.Id : -1;
        }), default);
        await engine.SubmitAsync(Engines.Work("c", 2, () => { }), default);
        release.SetResult();

        Assert.Equal(1, await outer.WaitAsync(s_limit));
        var report = await engine.ShutdownAsync();
        var metrics = engine.GetMetrics();

        Assert.Equal(3, metrics.Completed);
        Assert.Equal(1, metrics.Rejected);
        Accounting.AssertBalanced(metrics, report);
    }

    [Fact]
    public async Task Unordered_null_keys_are_not_behind_each_other()
    {
        ExecutorEngine<string, Work, WorkDispatcher>? engine = null;
        engine = Engines.Create(new ExecutorOptions { WorkerCount = 2, NullKeys = NullKeys.Unordered });

        // The test dispatcher reads a null key as no key, so this is an unkeyed call from an unkeyed handler.
        Assert.Equal(5, await engine.InvokeAsync<int>(Engines.Work(null, 1, async (_, _) =>
            await engine.InvokeAsync<int>(Engines.Work(null, 5, (v, _) => new ValueTask<int>(v.Id)), default)), default).WaitAsync(s_limit));
        await engine.ShutdownAsync();
    }
}
