using ExecutorGen.Tests;

namespace ExecutorGen.Coyote.Tests;

/// <summary>
/// PerKey with several workers: one shard of the keys per worker, work taken across shards, one shared capacity,
/// one shared list of idle workers. The idle protocol (register, then look again) and the shared room's waiter
/// handshake are what these explore (a stuck worker's replacement in a shard: SupervisionScenarios).
/// </summary>
public class ShardingScenarios
{
    [Fact]
    public void A_held_key_leaves_its_shard_mates_to_the_other_workers_and_nothing_is_lost() => Exploration.AssertNoBug(async () =>
    {
        var engine = Jobs.Engine(new ExecutorOptions { WorkerCount = 3, Capacity = 3, StuckAfter = null });
        string held = Jobs.KeyOfShard(0, 3), mate = Jobs.KeyOfShard(0, 3, skip: 1), elsewhere = Jobs.KeyOfShard(2, 3);
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
}
