using ExecutorGen.Tests;

namespace ExecutorGen.Coyote.Tests;

public class SubmitScenarios
{
    /// <summary>Two producers share one key; each producer's requests must run once each, in its order, never overlapping.</summary>
    internal static async Task OneKeyTwoProducers(bool faultReleaseKeyEarly)
    {
        var engine = Jobs.Engine(new ExecutorOptions { WorkerCount = 2, Capacity = 3, StuckAfter = null });
        engine.FaultReleaseKeyEarly = faultReleaseKeyEarly;
        var ran = new List<int>();
        int running = 0, overlaps = 0;
        Task Produce(int first) => Task.Run(async () =>
        {
            for (int id = first; id < first + 3; id++)
            {
                int captured = id;
                await engine.SubmitAsync(new Job("k", captured, async _ =>
                {
                    if (Interlocked.Exchange(ref running, 1) != 0)
                        Interlocked.Increment(ref overlaps);
                    await Task.Yield();
                    lock (ran)
                        ran.Add(captured);
                    Volatile.Write(ref running, 0);
                }), default);
            }
        });
        await Task.WhenAll(new[] { Produce(0), Produce(10) });
        var report = await engine.ShutdownAsync();

        Assert.Equal(0, overlaps);
        Assert.Equal(new[] { 0, 1, 2 }, ran.Where(id => id < 10));
        Assert.Equal(new[] { 10, 11, 12 }, ran.Where(id => id >= 10));
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }

    [Fact]
    public void Concurrent_submits_of_one_key_run_once_each_in_each_producers_order() =>
        Exploration.AssertNoBug(() => OneKeyTwoProducers(faultReleaseKeyEarly: false));

    [Fact]
    public void The_exploration_catches_a_key_released_before_its_request_completes()
    {
        var report = Exploration.Run(() => OneKeyTwoProducers(faultReleaseKeyEarly: true), iterations: 200);
        Assert.True(report.NumOfFoundBugs > 0, "the deliberate fault went unnoticed");
    }

    [Theory]
    [InlineData(Ordering.PerKey, false, null)]
    [InlineData(Ordering.PerPartition, false, null)]
    [InlineData(Ordering.PerKey, true, null)]
    [InlineData(Ordering.PerPartition, true, null)]
    [InlineData(Ordering.PerPartition, false, 1)] // a per-key limit: the partitions keep lanes, and waiters wait for their key
    public void Many_keys_from_many_producers_keep_each_keys_order(Ordering ordering, bool yieldAfterEveryRequest, int? maxQueuedPerKey) => Exploration.AssertNoBug(async () =>
    {
        var engine = Jobs.Engine(new ExecutorOptions
        {
            WorkerCount = 2, Capacity = 4, Ordering = ordering, MaxQueuedPerKey = maxQueuedPerKey, StuckAfter = null,
        });
        if (yieldAfterEveryRequest)
            engine.TimeSliceTicks = 0; // workers hand their thread back between requests (a used-up time slice)
        var lastOfKey = new int[3];
        int violations = 0, ran = 0;
        Task Produce(int producer) => Task.Run(async () =>
        {
            for (int n = 0; n < 4; n++)
            {
                int key = (producer + n) % 3, id = producer * 100 + n + 1;
                // Keys are shared by producers, so only a single producer's order per key is defined.
                await engine.SubmitAsync(Jobs.Run("k" + key, id, () =>
                {
                    Interlocked.Increment(ref ran);
                    int last = Volatile.Read(ref lastOfKey[key]);
                    if (last / 100 == id / 100 && last > id)
                        Interlocked.Increment(ref violations);
                    Volatile.Write(ref lastOfKey[key], id);
                }), default);
            }
        });
        await Task.WhenAll(new[] { Produce(1), Produce(2), Produce(3) });
        var report = await engine.ShutdownAsync();

        Assert.Equal(0, violations);
        Assert.Equal(12, ran);
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    });
}
