using System.Diagnostics;
using ExecutorGen.Runtime;

namespace ExecutorGen.Tests;

/// <summary>Tests that measure time run alone: other tests' busy handlers would add their noise.</summary>
[CollectionDefinition(nameof(TimingSensitive), DisableParallelization = true)]
public sealed class TimingSensitive
{
}

[Collection(nameof(TimingSensitive))]
public class SchedulingTests
{
    private const int HotRequests = 400;
    private static readonly TimeSpan HandlerTime = TimeSpan.FromMilliseconds(2);

    [Fact]
    public async Task Under_PerKey_a_hot_key_does_not_delay_another_key()
    {
        var (coldWait, hotBacklog) = await MeasureColdKeyWaitBehindHotKey(Ordering.PerKey, "cold");
        // One handler duration plus scheduling noise, far below the hot key's backlog.
        Assert.True(coldWait < TimeSpan.FromMilliseconds(150), $"cold key waited {coldWait.TotalMilliseconds:F0} ms behind a {hotBacklog.TotalMilliseconds:F0} ms hot backlog");
    }

    [Fact]
    public async Task Under_PerPartition_a_key_sharing_the_hot_keys_worker_waits_behind_it()
    {
        // A key that hashes to the hot key's worker: the seed's hot-partition problem, the documented trade-off.
        string cold = Enumerable.Range(0, 1000).Select(i => "cold-" + i).First(k => PartitionHash.Bucket(k, 2) == PartitionHash.Bucket("hot", 2));
        var (coldWait, hotBacklog) = await MeasureColdKeyWaitBehindHotKey(Ordering.PerPartition, cold);
        Assert.True(coldWait > hotBacklog * 0.5, $"cold key waited only {coldWait.TotalMilliseconds:F0} ms behind a {hotBacklog.TotalMilliseconds:F0} ms hot backlog");
    }

    private static async Task<(TimeSpan ColdWait, TimeSpan HotBacklog)> MeasureColdKeyWaitBehindHotKey(Ordering ordering, string coldKey)
    {
        // The handlers block (Thread.Sleep), so the workers get threads of their own, as documented.
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2, Ordering = ordering, Capacity = 10_000, DedicatedThreads = true });
        var hotDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (int i = 0; i < HotRequests; i++)
        {
            int id = i;
            await engine.SubmitAsync(Engines.Work("hot", id, () =>
            {
                Thread.Sleep(HandlerTime);
                if (id == HotRequests - 1)
                    hotDone.SetResult();
            }), default);
        }
        var stopwatch = Stopwatch.StartNew();
        await engine.InvokeAsync<int>(Engines.Work(coldKey, -1, () => { }), default);
        var coldWait = stopwatch.Elapsed;
        await hotDone.Task;
        var hotBacklog = stopwatch.Elapsed;
        await engine.ShutdownAsync();
        return (coldWait, hotBacklog);
    }

    [Fact]
    public async Task Under_PerPartition_without_lanes_the_hot_keys_are_counted_from_the_queue()
    {
        // Two workers, no per-key limit, no pauses: keyed requests have no lanes, the hot keys come from the queue.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2, Capacity = 1_000, Ordering = Ordering.PerPartition });
        var blockers = Enumerable.Range(0, 100).Select(i => "blocker" + i).ToArray();
        foreach (int partition in new[] { 0, 1 })
        {
            string key = blockers.First(k => ExecutorGen.Runtime.PartitionHash.Bucket(k, 2) == partition);
            await engine.SubmitAsync(Engines.Work(key, -1, async (w, _) =>
            {
                await gate.Task;
                return w.Id;
            }), default);
        }
        await Eventually.Until(() => engine.GetMetrics().BusyWorkers == 2, TimeSpan.FromSeconds(10));
        for (int i = 0; i < 50; i++)
            await engine.SubmitAsync(Engines.Work("hot", i, () => { }), default);
        for (int i = 0; i < 10; i++)
            await engine.SubmitAsync(Engines.Work("warm", i, () => { }), default);
        await engine.SubmitAsync(Engines.Work("cold", 0, () => { }), default);
        await engine.SubmitAsync(Engines.Work(null, 0, () => { }), default); // no key: not a key's backlog

        Assert.Equal(new[] { new KeyBacklog("hot", 50), new KeyBacklog("warm", 10), new KeyBacklog("cold", 1) }, engine.GetMetrics().HotKeys);
        Assert.Equal(0, engine.LaneCount);
        gate.SetResult();
        await engine.ShutdownAsync();
        Assert.Empty(engine.GetMetrics().HotKeys);
    }

    [Fact]
    public async Task A_hot_key_shows_at_the_top_of_the_hot_keys()
    {
        var blocked = new BlockedEngine(new ExecutorOptions { WorkerCount = 1, Capacity = 1_000 });
        await blocked.BlockAsync();
        var engine = blocked.Engine;
        for (int i = 0; i < 50; i++)
            await engine.SubmitAsync(Engines.Work("hot", i, () => { }), default);
        for (int i = 0; i < 10; i++)
            await engine.SubmitAsync(Engines.Work("warm", i, () => { }), default);
        await engine.SubmitAsync(Engines.Work("cold", 0, () => { }), default);

        var hotKeys = engine.GetMetrics().HotKeys;
        Assert.Equal(new KeyBacklog("hot", 50), hotKeys[0]);
        Assert.Equal(new KeyBacklog("warm", 10), hotKeys[1]);
        Assert.Equal(new KeyBacklog("cold", 1), hotKeys[2]);
        blocked.Release();
        await engine.ShutdownAsync();
        Assert.Empty(engine.GetMetrics().HotKeys);
    }

    [Fact]
    public async Task Null_keys_share_one_lane_and_keep_their_order()
    {
        var seen = new List<int>();
        var nullable = new ExecutorEngine<string?, Work, NullableKeyEngine>(default, new ExecutorOptions { WorkerCount = 4 }, "Tests.Nullable");
        for (int i = 0; i < 1_000; i++)
        {
            int id = i;
            await nullable.SubmitAsync(Engines.Work(null, id, () => { lock (seen) seen.Add(id); }), default);
        }
        await nullable.ShutdownAsync();
        Assert.Equal(Enumerable.Range(0, 1_000), seen);
    }

    /// <summary>Every request is keyed, the key possibly null.</summary>
    private readonly struct NullableKeyEngine : IRequestDispatcher<string?, Work>
    {
        public bool TryGetKey(in Work envelope, out string? key)
        {
            key = envelope.Key;
            return true;
        }

        public ValueTask DispatchAsync(in Work envelope, IRequestCompletion? completion, CancellationToken cancellationToken) =>
            default(WorkDispatcher).DispatchAsync(envelope, completion, cancellationToken);

        public string GetHandlerName(in Work envelope) => "Work";

        public object?[] GetArguments(in Work envelope) => new object?[] { envelope.Id };
    }

    [Fact]
    public async Task Per_key_state_is_released_so_millions_of_keys_cannot_grow_the_executor()
    {
        const int Keys = 300_000, Capacity = 512;
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2, Capacity = Capacity });
        int maxLanes = 0;
        for (int i = 0; i < Keys; i++)
        {
            await engine.SubmitAsync(Engines.Work("unique-" + i, i, () => { }), default);
            if (i % 10_000 == 0)
                maxLanes = Math.Max(maxLanes, engine.LaneCount);
        }
        await engine.ShutdownAsync();

        Assert.InRange(maxLanes, 0, Capacity + 2); // queued requests plus one running per worker
        Assert.Equal(0, engine.LaneCount);
        Assert.Equal(Keys, engine.GetMetrics().Completed);
    }
}
