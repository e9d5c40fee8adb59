using ExecutorGen.Tests;

using System.Diagnostics;

namespace ExecutorGen.Coyote.Tests;

public class SupervisionScenarios
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)] // PerKey's keys in two shards: the other key is of the stuck worker's shard
    public void A_stuck_handler_gets_a_replacement_that_serves_other_keys_and_retires(int workers) => Exploration.AssertNoBug(async () =>
    {
        var engine = Jobs.Engine(new ExecutorOptions { WorkerCount = workers, StuckAfter = TimeSpan.FromHours(1) });
        string slow = Jobs.KeyOfShard(0, workers), fast = Jobs.KeyOfShard(0, workers, skip: 1);
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var stuck = engine.InvokeAsync(new Job(slow, 0, async _ =>
        {
            started.TrySetResult();
            await release.Task;
        }), default);
        await started.Task;

        // The supervisor looks two hours later: the handler is stuck, a replacement worker starts.
        engine.SuperviseAt(Stopwatch.GetTimestamp() + 2 * 3600 * Stopwatch.Frequency);
        Assert.Equal(1, engine.GetMetrics().StuckWorkers);
        var other = engine.InvokeAsync(Jobs.Run(fast, 1, () => { }), default);
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
