using ExecutorGen.Runtime;

namespace ExecutorGen.Tests;

/// <summary>
/// Under PerKey with several workers the keys are sharded, one shard per worker, each behind its own lock; a worker
/// whose shard has nothing ready takes work from the others, and the shards share one capacity.
/// </summary>
public class ShardedPerKeyTests
{
    // A shard of PerKey holds the keys of the partition of the same number under PerPartition (one hash for both).
    private static string[][] KeysOfShards(int workers) => FairAdmissionTests.KeysOfPartitions(workers);

    [Fact]
    public async Task A_long_handler_holds_up_only_its_own_key_and_the_other_keys_of_its_shard_run_on_other_workers()
    {
        var shard = KeysOfShards(3)[0];
        string held = shard[0], other = shard[1];
        var gates = new Gates(1);
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 3 });
        var holding = engine.InvokeAsync<int>(gates.Work(held, 0), default);
        await Eventually.Until(() => engine.GetMetrics().BusyWorkers == 1, TimeSpan.FromSeconds(10));
        var behind = engine.InvokeAsync<int>(Engines.Work(held, 1, () => { }), default);

        // The held key's shard-mate runs, request after request, while the held key's worker is busy.
        for (int i = 0; i < 20; i++)
            Assert.Equal(10 + i, await engine.InvokeAsync<int>(Engines.Work(other, 10 + i, () => { }), default).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(behind.IsCompleted);

        gates.Open(0);
        Assert.Equal(1, await behind.WaitAsync(TimeSpan.FromSeconds(10)));
        await holding;
        var report = await engine.ShutdownAsync();
        Assert.Equal(22, engine.GetMetrics().Completed);
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }

    [Fact]
    public async Task Under_DropOldest_a_newcomer_whose_shard_holds_nothing_while_the_others_fill_the_capacity_is_the_one_shed()
    {
        var shards = KeysOfShards(2);
        string first = shards[0][0], second = shards[0][1], otherShard = shards[1][0];
        var gates = new Gates(6);
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2, Capacity = 2, MaxQueuedPerKey = 2, FullMode = QueueFullMode.DropOldest });
        Work Held(string key, int id) => gates.Work(key, id);
        // Both workers held (one by each shard's key), then the first shard's key fills the capacity.
        Assert.True(engine.TrySubmit(Held(first, 0)));
        Assert.True(engine.TrySubmit(Held(otherShard, 1)));
        await Eventually.Until(() => engine.GetMetrics().BusyWorkers == 2, TimeSpan.FromSeconds(10));
        Assert.True(engine.TrySubmit(Held(first, 2)));
        Assert.True(engine.TrySubmit(Held(second, 3)));

        Assert.True(engine.TrySubmit(Held(second, 4))); // its own shard holds the oldest: that one is shed
        Assert.Equal(1, engine.GetMetrics().Dropped);
        Assert.False(engine.TrySubmit(Held(otherShard, 5))); // nothing queued in its shard: the newcomer is shed
        Assert.Equal(2, engine.GetMetrics().Dropped);

        gates.OpenAll();
        var report = await engine.ShutdownAsync();
        Assert.Equal(4, engine.GetMetrics().Completed);
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }

    [Fact]
    public async Task Thousands_of_short_runs_never_leave_work_queued_while_every_worker_sleeps()
    {
        // Each run is brief, so workers go idle and are woken all the time, on every shard count from 2 to 8, with
        // room to spare and with a capacity small enough that producers wait. A lost wake-up shows as a run that
        // stops with requests queued and no worker busy.
        for (int run = 0; run < 5_000; run++)
        {
            var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2 + run % 7, Capacity = run % 3 == 0 ? 16 : 4096 });
            int keys = 1 + run % 9;
            for (int i = 0; i < 40; i++)
                await WithinAsync(engine.SubmitAsync(Engines.Work("k" + i % keys, i, () => { }), default).AsTask(), engine, run);
            await WithinAsync(engine.InvokeAsync<int>(Engines.Work("k0", 99, () => { }), default), engine, run);
            var report = await WithinAsync(engine.ShutdownAsync(), engine, run);
            Assert.Equal(41, engine.GetMetrics().Completed);
            Accounting.AssertBalanced(engine.GetMetrics(), report);
        }
    }

    private static async Task<T> WithinAsync<T>(Task<T> task, ExecutorEngine<string, Work, WorkDispatcher> engine, int run)
    {
        await WithinAsync((Task)task, engine, run);
        return await task;
    }

    private static async Task WithinAsync(Task task, ExecutorEngine<string, Work, WorkDispatcher> engine, int run)
    {
        if (await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(10))) != task)
            Assert.Fail($"run {run} stopped: {engine.GetMetrics()}");
    }
}
