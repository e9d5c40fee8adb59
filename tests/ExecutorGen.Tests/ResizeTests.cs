using ExecutorGen.Runtime;

namespace ExecutorGen.Tests;

/// <summary><c>SetWorkerCount</c>: growing and shrinking the pool while requests flow.</summary>
public class ResizeTests
{
    /// <summary>A key in partition <paramref name="partition"/> of <paramref name="partitions"/> (the <paramref name="skip"/>-th).</summary>
    private static string KeyOf(int partition, int partitions, int skip = 0) =>
        Enumerable.Range(0, 1000).Select(i => "key" + i).Where(k => PartitionHash.Bucket(k, partitions) == partition).Skip(skip).First();

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public async Task A_worker_count_below_one_is_refused_naming_the_parameter(int workerCount)
    {
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2 });

        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => engine.SetWorkerCount(workerCount));

        Assert.Equal("workerCount", refused.ParamName);
        Assert.Equal(2, engine.GetMetrics().WorkerCount);
        await engine.ShutdownAsync();
    }

    [Fact]
    public async Task Under_PerPartition_a_worker_count_above_the_capacity_is_refused_as_the_options_refuse_it()
    {
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2, Capacity = 4, Ordering = Ordering.PerPartition });

        engine.SetWorkerCount(4);
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => engine.SetWorkerCount(5));

        Assert.Equal("workerCount", refused.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExecutorOptions { WorkerCount = 5, Capacity = 4, Ordering = Ordering.PerPartition }.Validate());
        Assert.Equal(4, engine.GetMetrics().WorkerCount);
        await engine.ShutdownAsync();
    }

    [Fact]
    public async Task Once_shutdown_has_begun_it_changes_nothing()
    {
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2 });
        var report = await engine.ShutdownAsync();

        engine.SetWorkerCount(5);

        var metrics = engine.GetMetrics();
        Assert.Equal(2, metrics.WorkerCount);
        Assert.Equal(2, metrics.Workers.Count);
        Assert.True(engine.WorkersStopped);
        Accounting.AssertBalanced(metrics, report);
    }

    /// <summary>One worker holds three requests of different keys (and partitions); growing to three runs them all at once.</summary>
    [Theory]
    [InlineData(Ordering.PerKey, false)]
    [InlineData(Ordering.PerKey, true)]
    [InlineData(Ordering.PerPartition, false)]
    [InlineData(Ordering.PerPartition, true)]
    [InlineData(Ordering.Unordered, false)]
    public async Task Growing_starts_workers_that_take_the_queued_requests(Ordering ordering, bool dedicatedThreads)
    {
        var gates = new Gates(3);
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 1, Capacity = 16, Ordering = ordering, DedicatedThreads = dedicatedThreads });
        var held = Enumerable.Range(0, 3).Select(i => engine.InvokeAsync<int>(gates.Work(KeyOf(i, 3), i), default)).ToArray();
        await Eventually.Until(() => engine.GetMetrics() is { BusyWorkers: 1, QueueDepth: 2 }, TimeSpan.FromSeconds(10));

        engine.SetWorkerCount(3);

        Assert.Equal(3, engine.GetMetrics().WorkerCount);
        await Eventually.Until(() => engine.GetMetrics() is { BusyWorkers: 3, QueueDepth: 0 }, TimeSpan.FromSeconds(10));
        Assert.Equal(new[] { 0, 1, 2 }, engine.GetMetrics().Workers.Select(w => w.Id));
        gates.OpenAll();
        Assert.Equal(new[] { 0, 1, 2 }, await Task.WhenAll(held));
        var report = await engine.ShutdownAsync();
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }

    /// <summary>
    /// Three workers each hold a request; shrinking to one lets them finish (none is abandoned), then one worker is left:
    /// it runs the rest one at a time, and the retired workers' figures stay in the totals.
    /// </summary>
    [Theory]
    [InlineData(Ordering.PerKey, false)]
    [InlineData(Ordering.PerKey, true)]
    [InlineData(Ordering.PerPartition, false)]
    [InlineData(Ordering.PerPartition, true)]
    [InlineData(Ordering.Unordered, false)]
    public async Task Shrinking_retires_workers_once_their_running_requests_have_finished(Ordering ordering, bool dedicatedThreads)
    {
        var gates = new Gates(3);
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 3, Capacity = 64, Ordering = ordering, DedicatedThreads = dedicatedThreads });
        var held = Enumerable.Range(0, 3).Select(i => engine.InvokeAsync<int>(gates.Work(KeyOf(i, 3), i), default)).ToArray();
        await Eventually.Until(() => engine.GetMetrics().BusyWorkers == 3, TimeSpan.FromSeconds(10));

        engine.SetWorkerCount(1);

        Assert.Equal(1, engine.GetMetrics().WorkerCount);
        Assert.Equal(3, engine.GetMetrics().BusyWorkers); // nothing taken is abandoned
        gates.OpenAll();
        Assert.Equal(new[] { 0, 1, 2 }, await Task.WhenAll(held));
        await Eventually.Until(() => engine.GetMetrics().Workers.Count == 1, TimeSpan.FromSeconds(10));

        int running = 0, mostAtOnce = 0;
        var rest = Enumerable.Range(10, 60).Select(i => engine.InvokeAsync<int>(Engines.Work(KeyOf(i % 3, 3, i / 3), i, async (w, _) =>
        {
            int now = Interlocked.Increment(ref running);
            InterlockedMax(ref mostAtOnce, now);
            await Task.Yield();
            Interlocked.Decrement(ref running);
            return w.Id;
        }), default)).ToArray();
        await Task.WhenAll(rest);
        var report = await engine.ShutdownAsync();
        var metrics = engine.GetMetrics();

        Assert.Equal(1, mostAtOnce);
        Assert.Equal(63, metrics.Completed);
        Assert.Equal(63, metrics.ProcessingTime.Count); // the retired workers' requests included
        Assert.Equal(63, metrics.QueueTime.Count);
        Assert.Equal(new[] { 0 }, metrics.Workers.Select(w => w.Id));
        Accounting.AssertBalanced(metrics, report);
    }

    /// <summary>
    /// Under PerPartition a key whose partition changes starts on its new worker only after its request running on the
    /// old one has finished; the new partition's other keys wait as well (a fence), and everything then runs in order.
    /// </summary>
    [Theory]
    [InlineData(1, 2, null)]
    [InlineData(2, 1, null)]
    [InlineData(1, 2, 4)]
    [InlineData(3, 1, 4)]
    public async Task Under_PerPartition_a_moved_key_waits_for_its_request_running_on_the_old_worker(int before, int after, int? maxQueuedPerKey)
    {
        // A key that moves: from a partition other than its new one.
        string moved = Enumerable.Range(0, 1000).Select(i => "key" + i)
            .First(k => PartitionHash.Bucket(k, before) != PartitionHash.Bucket(k, after));
        var log = new List<string>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var engine = Engines.Create(new ExecutorOptions
        {
            WorkerCount = before, Capacity = 64, Ordering = Ordering.PerPartition, MaxQueuedPerKey = maxQueuedPerKey,
        });
        Work Logged(string key, int id) => Engines.Work(key, id, () =>
        {
            lock (log)
                log.Add($"{key}:{id}");
        });
        var first = engine.InvokeAsync<int>(Engines.Work(moved, 0, async (w, _) =>
        {
            await release.Task;
            lock (log)
                log.Add($"{moved}:0");
            return w.Id;
        }), default);
        await Eventually.Until(() => engine.GetMetrics().BusyWorkers == 1, TimeSpan.FromSeconds(10));
        var queuedBefore = engine.InvokeAsync<int>(Logged(moved, 1), default);

        engine.SetWorkerCount(after);
        var queuedAfter = engine.InvokeAsync<int>(Logged(moved, 2), default);
        await Task.WhenAny(queuedAfter, Task.Delay(200)); // time for a request that wrongly starts to do so

        lock (log)
            Assert.Empty(log);
        release.SetResult();
        await Task.WhenAll(first, queuedBefore, queuedAfter);
        var report = await engine.ShutdownAsync();

        Assert.Equal(new[] { $"{moved}:0", $"{moved}:1", $"{moved}:2" }, log);
        Assert.Equal(after, engine.GetMetrics().WorkerCount);
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }

    /// <summary>Under PerPartition a key paused after a dead letter stays paused in its new partition, and ResumeKey finds it there.</summary>
    [Fact]
    public async Task Under_PerPartition_a_paused_key_moves_paused_and_resumes_in_order()
    {
        string key = KeyOf(1, 2);
        var log = new List<int>();
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 1, Ordering = Ordering.PerPartition, DeadLetterPolicy = DeadLetterPolicy.PauseKey });
        await Assert.ThrowsAsync<InvalidOperationException>(() => engine.InvokeAsync<int>(Engines.Work(key, 0, () => throw new InvalidOperationException()), default));
        Assert.Equal(1, engine.GetMetrics().PausedKeys);
        var held = Enumerable.Range(1, 3).Select(i => engine.InvokeAsync<int>(Engines.Work(key, i, () =>
        {
            lock (log)
                log.Add(i);
        }), default)).ToArray();

        engine.SetWorkerCount(2);
        await Task.WhenAny(Task.WhenAll(held), Task.Delay(200)); // time for a request that wrongly starts to do so

        Assert.Empty(log);
        Assert.Equal(1, engine.GetMetrics().PausedKeys);
        Assert.True(engine.ResumeKey(key));
        await Task.WhenAll(held);
        var report = await engine.ShutdownAsync();

        Assert.Equal(new[] { 1, 2, 3 }, log);
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }

    /// <summary>Under PerPartition a submitter waiting for its full partition waits for its key's new partition after a grow, and gets in.</summary>
    [Fact]
    public async Task Under_PerPartition_a_waiting_submitter_follows_its_key_to_its_new_partition()
    {
        string key = KeyOf(1, 2);
        var gates = new Gates(1);
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 1, Capacity = 2, Ordering = Ordering.PerPartition });
        var holding = engine.InvokeAsync<int>(gates.Work(KeyOf(0, 2), 0), default);
        await Eventually.Until(() => engine.GetMetrics().BusyWorkers == 1, TimeSpan.FromSeconds(10));
        var queued = new[] { engine.InvokeAsync<int>(Engines.Work(key, 1, () => { }), default), engine.InvokeAsync<int>(Engines.Work(key, 2, () => { }), default) };
        var waiting = engine.InvokeAsync<int>(Engines.Work(key, 3, () => { }), default);
        Assert.False(waiting.IsCompleted);

        engine.SetWorkerCount(2); // the key's requests move to partition 1, whose worker runs them while partition 0 is held

        Assert.Equal(new[] { 1, 2, 3 }, await Task.WhenAll(queued.Append(waiting)).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(holding.IsCompleted);
        gates.OpenAll();
        await holding;
        var report = await engine.ShutdownAsync();
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }

    /// <summary>Concurrent calls are serialised: the last one to run decides, and the pool settles at that count.</summary>
    [Theory]
    [InlineData(Ordering.PerKey)]
    [InlineData(Ordering.PerPartition)]
    [InlineData(Ordering.Unordered)]
    public async Task Concurrent_calls_leave_a_pool_of_the_count_set_last(Ordering ordering)
    {
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2, Capacity = 64, Ordering = ordering });
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < 200; i++)
                engine.SetWorkerCount(1 + (i * 7 + t) % 8);
        })));
        engine.SetWorkerCount(3);

        await Eventually.Until(() => engine.GetMetrics().Workers.Count == 3, TimeSpan.FromSeconds(10));
        Assert.Equal(3, engine.GetMetrics().Workers.Select(w => w.Id).Distinct().Count());
        Assert.Equal(3, engine.GetMetrics().WorkerCount);
        Assert.Equal(7, await engine.InvokeAsync<int>(Engines.Work("k", 7, () => { }), default));
        var report = await engine.ShutdownAsync();
        Assert.True(engine.WorkersStopped);
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }

    /// <summary>A stuck worker of a grown pool is replaced; a stuck worker that is retiring is not (the pool does not want it back).</summary>
    [Theory]
    [InlineData(Ordering.PerKey)]
    [InlineData(Ordering.Unordered)]
    public async Task Supervision_replaces_a_stuck_worker_of_a_resized_pool_but_not_a_retiring_one(Ordering ordering)
    {
        var gates = new Gates(2);
        var stuck = new List<WorkerStuckEventArgs>();
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 1, Ordering = ordering, StuckAfter = TimeSpan.FromHours(1) });
        engine.WorkerStuck += (_, e) =>
        {
            lock (stuck)
                stuck.Add(e);
        };
        engine.SetWorkerCount(2);
        var holding = new[] { engine.InvokeAsync<int>(gates.Work("a", 0), default), engine.InvokeAsync<int>(gates.Work("b", 1), default) };
        await Eventually.Until(() => engine.GetMetrics().BusyWorkers == 2, TimeSpan.FromSeconds(10));
        engine.SetWorkerCount(1); // one of the two busy workers now retires once its request is done

        engine.SuperviseAt(System.Diagnostics.Stopwatch.GetTimestamp() + System.Diagnostics.Stopwatch.Frequency * 7200);

        await Eventually.Until(() => { lock (stuck) return stuck.Count == 2; }, TimeSpan.FromSeconds(10));
        lock (stuck)
            Assert.Equal(new[] { false, true }, stuck.Select(e => e.ReplacementStarted).OrderBy(started => started));
        Assert.Equal(3, engine.GetMetrics().Workers.Count);
        // The replacement runs the other keys while both workers are stuck.
        await Task.WhenAll(Enumerable.Range(2, 20).Select(i => engine.InvokeAsync<int>(Engines.Work("k" + i, i, () => { }), default)))
            .WaitAsync(TimeSpan.FromSeconds(10));
        gates.OpenAll();
        await Task.WhenAll(holding);
        var report = await engine.ShutdownAsync();
        Assert.Equal(22, engine.GetMetrics().Completed);
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
