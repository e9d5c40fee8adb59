using ExecutorGen.Runtime;

namespace ExecutorGen.Tests;

/// <summary>
/// The default capacity is shared fairly: under PerKey a key holds at most ⌈Capacity ÷ WorkerCount⌉ queued
/// requests, under PerPartition a worker's partition at most that many, so a hot key or partition makes its own
/// submitters wait while everyone else's requests are still admitted.
/// </summary>
public class FairAdmissionTests
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A request that holds its worker until the test opens the gate.</summary>
    private Work Held(string? key, int id) => Engines.Work(key, id, async (w, _) =>
    {
        await _gate.Task;
        return w.Id;
    });

    [Fact]
    public void The_default_per_key_limit_is_a_workers_share_of_the_capacity_under_PerKey_only()
    {
        Assert.Equal(1024, new ExecutorOptions { WorkerCount = 4 }.EffectiveMaxQueuedPerKey);
        Assert.Equal(3, new ExecutorOptions { WorkerCount = 4, Capacity = 10 }.EffectiveMaxQueuedPerKey);
        Assert.Equal(7, new ExecutorOptions { WorkerCount = 4, MaxQueuedPerKey = 7 }.EffectiveMaxQueuedPerKey);
        Assert.Null(new ExecutorOptions { WorkerCount = 1 }.EffectiveMaxQueuedPerKey);
        Assert.Null(new ExecutorOptions { WorkerCount = 4, Ordering = Ordering.PerPartition }.EffectiveMaxQueuedPerKey);
        Assert.Null(new ExecutorOptions { WorkerCount = 4, Ordering = Ordering.Unordered }.EffectiveMaxQueuedPerKey);
    }

    [Fact]
    public async Task Under_PerKey_a_hot_key_waits_for_its_share_while_other_keys_are_admitted()
    {
        // Four workers, capacity 8: each key may hold 2 queued requests.
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 4, Capacity = 8 });
        await engine.SubmitAsync(Held("hot", 0), default);
        await Eventually.Until(() => engine.GetMetrics().BusyWorkers == 1, TimeSpan.FromSeconds(10));
        Assert.True(engine.TrySubmit(Held("hot", 1)));
        Assert.True(engine.TrySubmit(Held("hot", 2)));
        Assert.False(engine.TrySubmit(Held("hot", 3)));
        var hotWaits = engine.SubmitAsync(Held("hot", 3), default).AsTask();

        for (int i = 0; i < 5; i++)
            await engine.SubmitAsync(Held("cold" + i, i), default).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(hotWaits.IsCompleted);

        _gate.SetResult();
        await hotWaits.WaitAsync(TimeSpan.FromSeconds(10));
        var report = await engine.ShutdownAsync();
        Accounting.AssertBalanced(engine.GetMetrics(), report);
        Assert.Equal(9, engine.GetMetrics().Completed);
    }

    [Fact]
    public async Task Under_PerKey_a_per_key_limit_as_large_as_the_capacity_lets_one_key_fill_the_executor()
    {
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 4, Capacity = 8, MaxQueuedPerKey = 8 });
        await engine.SubmitAsync(Held("hot", 0), default);
        await Eventually.Until(() => engine.GetMetrics().BusyWorkers == 1, TimeSpan.FromSeconds(10));
        for (int i = 1; i <= 8; i++)
            Assert.True(engine.TrySubmit(Held("hot", i)));
        Assert.False(engine.TrySubmit(Held("cold", 0))); // everyone waits for the hot key now

        _gate.SetResult();
        await engine.ShutdownAsync();
    }

    [Fact]
    public async Task Under_PerPartition_a_full_partition_refuses_its_own_requests_and_the_others_are_admitted()
    {
        // Two workers, capacity 8: each worker's partition holds 4.
        var (first, second) = KeysOfTwoPartitions();
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2, Capacity = 8, Ordering = Ordering.PerPartition, FullMode = QueueFullMode.Reject });
        await engine.SubmitAsync(Held(first[0], 0), default); // holds the first partition's worker
        await Eventually.Until(() => engine.GetMetrics().BusyWorkers == 1, TimeSpan.FromSeconds(10));
        for (int i = 1; i <= 4; i++)
            Assert.True(engine.TrySubmit(Held(first[i % first.Length], i)));
        Assert.False(engine.TrySubmit(Held(first[1], 5)));
        await Assert.ThrowsAsync<RequestRejectedException>(() => engine.SubmitAsync(Held(first[2], 6), default).AsTask());

        for (int i = 0; i < 4; i++)
            Assert.True(engine.TrySubmit(Engines.Work(second[i % second.Length], 10 + i, () => { })));

        _gate.SetResult();
        var report = await engine.ShutdownAsync();
        var metrics = engine.GetMetrics();
        Assert.Equal(2, metrics.Rejected);
        Assert.Equal(9, metrics.Completed);
        Accounting.AssertBalanced(metrics, report);
    }

    [Fact]
    public async Task Under_PerPartition_the_partitions_shares_add_up_to_the_capacity()
    {
        // Three workers, capacity 10: shares of 4, 3 and 3 (not ⌈10 ÷ 3⌉ = 4 each, cut off at 10 overall).
        var keys = KeysOfPartitions(3);
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 3, Capacity = 10, Ordering = Ordering.PerPartition, FullMode = QueueFullMode.Reject });
        for (int partition = 0; partition < 3; partition++)
            await engine.SubmitAsync(Held(keys[partition][0], partition), default); // holds each partition's worker
        await Eventually.Until(() => engine.GetMetrics().BusyWorkers == 3, TimeSpan.FromSeconds(10));

        var admitted = new int[3];
        for (int partition = 2; partition >= 0; partition--) // the last partitions first: each gets its own share
        {
            while (engine.TrySubmit(Held(keys[partition][admitted[partition] % 3], 10 * partition + admitted[partition])))
                admitted[partition]++;
        }

        Assert.Equal(new[] { 4, 3, 3 }, admitted);
        _gate.SetResult();
        var report = await engine.ShutdownAsync();
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }

    [Fact]
    public void Under_PerPartition_a_capacity_smaller_than_the_worker_count_is_refused_naming_the_capacity()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Engines.Create(new ExecutorOptions { WorkerCount = 4, Capacity = 3, Ordering = Ordering.PerPartition }));
        Assert.Equal(nameof(ExecutorOptions.Capacity), error.ParamName);
    }

    [Fact]
    public async Task Under_PerPartition_DropOldest_at_a_full_partition_sheds_that_partitions_oldest()
    {
        var sink = new ListSink();
        var (first, second) = KeysOfTwoPartitions();
        var engine = Engines.Create(new ExecutorOptions
        {
            WorkerCount = 2, Capacity = 8, Ordering = Ordering.PerPartition, FullMode = QueueFullMode.DropOldest, DeadLetters = sink,
        });
        await engine.SubmitAsync(Held(first[0], 0), default);
        await engine.SubmitAsync(Held(second[0], 1), default);
        await Eventually.Until(() => engine.GetMetrics().BusyWorkers == 2, TimeSpan.FromSeconds(10));
        Assert.True(engine.TrySubmit(Held(second[1], 2))); // the oldest queued request of all, in the other partition
        for (int id = 3; id <= 6; id++)
            Assert.True(engine.TrySubmit(Held(first[id % first.Length], id)));
        Assert.True(engine.TrySubmit(Held(first[1], 7))); // the first partition is full: its oldest (3) goes

        Assert.Equal(3, (int)Assert.Single(sink.Letters).Arguments[0]!);
        _gate.SetResult();
        var report = await engine.ShutdownAsync();
        Assert.Equal(7, engine.GetMetrics().Completed);
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }

    [Fact]
    public async Task Under_PerPartition_requests_without_a_key_go_to_a_partition_with_room()
    {
        var (first, second) = KeysOfTwoPartitions();
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2, Capacity = 8, Ordering = Ordering.PerPartition });
        await engine.SubmitAsync(Held(first[0], 0), default);
        await engine.SubmitAsync(Held(second[0], 1), default);
        await Eventually.Until(() => engine.GetMetrics().BusyWorkers == 2, TimeSpan.FromSeconds(10));
        for (int id = 2; id <= 5; id++)
            Assert.True(engine.TrySubmit(Held(first[id % first.Length], id))); // the first partition is full

        for (int id = 6; id <= 9; id++)
            Assert.True(engine.TrySubmit(Held(null, id))); // all four find room in the second
        Assert.False(engine.TrySubmit(Held(null, 10))); // now the whole capacity is used

        _gate.SetResult();
        var report = await engine.ShutdownAsync();
        Assert.Equal(10, engine.GetMetrics().Completed);
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }

    [Fact]
    public async Task Under_PerPartition_a_submitter_waiting_on_its_partition_is_woken_once_that_partition_drained_by_an_eighth()
    {
        // Two workers, capacity 32: each partition holds 16, with a slack of 2. Each request of the first partition
        // holds its worker until its own gate opens; the second partition keeps accepting throughout.
        var (first, second) = KeysOfTwoPartitions();
        var gates = new Gates(18);
        Work Gated(int id) => gates.Work(first[id % first.Length], id);
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2, Capacity = 32, Ordering = Ordering.PerPartition });
        await engine.SubmitAsync(Gated(0), default);
        await Eventually.Until(() => engine.GetMetrics().BusyWorkers == 1, TimeSpan.FromSeconds(10));
        for (int id = 1; id <= 16; id++)
            Assert.True(engine.TrySubmit(Gated(id)));
        var waiter = engine.SubmitAsync(Gated(17), default).AsTask();

        gates.Open(0); // 15 queued in the partition: not yet drained by the slack
        await Eventually.Until(() => engine.GetMetrics().QueueDepth == 15, TimeSpan.FromSeconds(10));
        Assert.False(waiter.IsCompleted);
        Assert.False(engine.TrySubmit(Gated(17)));
        Assert.True(engine.TrySubmit(Engines.Work(second[0], 50, () => { }))); // the other partition is not held

        gates.Open(1);
        await waiter.WaitAsync(TimeSpan.FromSeconds(10));
        gates.OpenAll();
        var report = await engine.ShutdownAsync();
        Accounting.AssertBalanced(engine.GetMetrics(), report);
        Assert.Equal(19, engine.GetMetrics().Completed);
    }

    /// <summary>Three keys of each of two partitions (two workers).</summary>
    private static (string[] First, string[] Second) KeysOfTwoPartitions()
    {
        var keys = KeysOfPartitions(2);
        return (keys[0], keys[1]);
    }

    /// <summary>Three keys of each partition of <paramref name="workers"/> workers.</summary>
    internal static string[][] KeysOfPartitions(int workers)
    {
        var keys = Enumerable.Range(0, 200).Select(i => "key" + i).ToArray();
        return Enumerable.Range(0, workers)
            .Select(partition => keys.Where(k => PartitionHash.Bucket(k, workers) == partition).Take(3).ToArray())
            .ToArray();
    }
}
