using System.Diagnostics;
using ExecutorGen.Runtime;
using ExecutorGen.Tests;

namespace ExecutorGen.Coyote.Tests;

/// <summary>
/// PerKey with several workers: one shard of the keys per worker, work taken across shards, one shared capacity,
/// one shared list of idle workers. The idle protocol (register, then look again) and the shared room's waiter
/// handshake are what these explore.
/// </summary>
public class ShardingScenarios
{
    private static string KeyOfShard(int shard, int shards, int skip = 0) =>
        Enumerable.Range(0, 500).Select(i => "key" + i).Where(k => PartitionHash.Bucket(k, shards) == shard).Skip(skip).First();

    [Fact]
    public void A_held_key_leaves_its_shard_mates_to_the_other_workers_and_nothing_is_lost() => Exploration.AssertNoBug(async () =>
    {
        var engine = Jobs.Engine(new ExecutorOptions { WorkerCount = 3, Capacity = 3, StuckAfter = null });
        string held = KeyOfShard(0, 3), mate = KeyOfShard(0, 3, skip: 1), elsewhere = KeyOfShard(2, 3);
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var holding = engine.InvokeAsync(new Job(held, 0, async _ =>
        {
            started.TrySetResult();
            await release.Task;
        }), default);
        await started.Task;
        var order = new List<int>();
        Task Produce(string key, int first) => Task.Run(async () =>
        {
            for (int id = first; id < first + 3; id++)
            {
                int captured = id;
                await engine.SubmitAsync(Jobs.Run(key, captured, () =>
                {
                    lock (order)
                        order.Add(captured);
                }), default);
            }
        });
        await Task.WhenAll(new[] { Produce(mate, 10), Produce(elsewhere, 20) });
        var behind = engine.InvokeAsync(Jobs.Run(held, 1, () => { }), default);
        var releasing = Task.Run(() => release.SetResult());
        await Task.WhenAll(new[] { holding, behind, releasing });
        var report = await engine.ShutdownAsync();

        Assert.Equal(new[] { 10, 11, 12 }, order.Where(id => id < 20));
        Assert.Equal(new[] { 20, 21, 22 }, order.Where(id => id >= 20));
        Assert.True(engine.WorkersStopped);
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    });

    [Fact]
    public void A_stuck_worker_of_a_shard_gets_a_replacement_and_its_shard_keeps_running() => Exploration.AssertNoBug(async () =>
    {
        var engine = Jobs.Engine(new ExecutorOptions { WorkerCount = 2, StuckAfter = TimeSpan.FromHours(1) });
        string slow = KeyOfShard(0, 2), mate = KeyOfShard(0, 2, skip: 1);
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var stuck = engine.InvokeAsync(new Job(slow, 0, async _ =>
        {
            started.TrySetResult();
            await release.Task;
        }), default);
        await started.Task;

        engine.SuperviseAt(Stopwatch.GetTimestamp() + 2 * 3600 * Stopwatch.Frequency);
        Assert.Equal(1, engine.GetMetrics().StuckWorkers);
        var other = engine.InvokeAsync(Jobs.Run(mate, 1, () => { }), default);
        var releasing = Task.Run(() => release.SetResult());
        await other;
        await releasing;
        await stuck;
        engine.SuperviseAt(Stopwatch.GetTimestamp());

        var report = await engine.ShutdownAsync();
        var metrics = engine.GetMetrics();
        Assert.Equal(0, metrics.StuckWorkers);
        Assert.Equal(2, metrics.Completed);
        Assert.True(engine.WorkersStopped);
        Accounting.AssertBalanced(metrics, report);
    });
}
