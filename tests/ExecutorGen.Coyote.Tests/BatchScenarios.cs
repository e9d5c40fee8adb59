using ExecutorGen.Runtime;
using ExecutorGen.Tests;

namespace ExecutorGen.Coyote.Tests;

/// <summary>A request of a batch handler for the explored scenarios: a key, an id and the body each call runs.</summary>
internal readonly record struct BatchJob(string Key, int Id, Func<BatchJob[], Task> Body);

/// <summary>A dispatcher of one batch handler (at most two requests per call), shaped like the generated ones.</summary>
internal readonly struct BatchJobDispatcher : IRequestDispatcher<string, BatchJob>
{
    public bool TryGetKey(in BatchJob envelope, out string key)
    {
        key = envelope.Key;
        return true;
    }

    public ValueTask DispatchAsync(in BatchJob envelope, IRequestCompletion? completion, CancellationToken cancellationToken)
    {
        // Locals, not one expression: see JobDispatcher.
        var body = envelope.Body;
        Task task = body(new[] { envelope });
        return Dispatch.Await(task, completion);
    }

    public bool HasBatchHandlers => true;

    public int GetMaxBatchSize(in BatchJob envelope) => 2;

    public bool IsSameHandler(in BatchJob first, in BatchJob second) => true;

    public ValueTask DispatchBatchAsync(ReadOnlySpan<BatchJob> batch, CancellationToken cancellationToken)
    {
        var body = batch[0].Body;
        Task task = body(batch.ToArray());
        return new ValueTask(task);
    }

    public string GetHandlerName(in BatchJob envelope) => "BatchJob";

    public object?[] GetArguments(in BatchJob envelope) => new object?[] { envelope.Id };
}

/// <summary>
/// Batches taken while producers add to the key's lane, a batch that fails and is dead-lettered, and a shutdown racing
/// them: a key's batches never overlap, each request runs (or is reported) once, in order, and the counts balance.
/// </summary>
public class BatchScenarios
{
    internal static async Task TwoProducersOneKey(ShutdownMode mode, bool faultReleaseKeyEarly)
    {
        var engine = new ExecutorEngine<string, BatchJob, BatchJobDispatcher>(default,
            new ExecutorOptions { WorkerCount = 2, Capacity = 4, StuckAfter = null }, "Coyote.BatchExecutor");
        engine.FaultReleaseKeyEarly = faultReleaseKeyEarly;
        var ran = new List<int>();
        int running = 0, overlaps = 0, oversized = 0;
        async Task Body(BatchJob[] batch)
        {
            if (batch.Length > 2)
                Interlocked.Increment(ref oversized);
            if (Interlocked.Exchange(ref running, 1) != 0)
                Interlocked.Increment(ref overlaps);
            await Task.Yield();
            Volatile.Write(ref running, 0);
            if (batch.Any(job => job.Id == 11))
                throw new InvalidOperationException("dead-lettered with its batch");
            lock (ran)
                ran.AddRange(batch.Select(job => job.Id));
        }
        Task Produce(int first) => Task.Run(async () =>
        {
            for (int id = first; id < first + 3; id++)
                await engine.SubmitAsync(new BatchJob("k", id, Body), default);
        });
        var producers = Task.WhenAll(new[] { Produce(0), Produce(10) });
        if (mode == ShutdownMode.Drain)
            await producers;
        var report = await engine.ShutdownAsync(mode);
        await producers.ContinueWith(_ => { }, TaskScheduler.Default); // refused once shutdown began: fine
        var metrics = engine.GetMetrics();

        Assert.Equal(0, overlaps);
        Assert.Equal(0, oversized);
        Assert.Equal(ran.Distinct(), ran);
        Assert.Equal(ran.Where(id => id < 10).Order(), ran.Where(id => id < 10));
        Assert.Equal(ran.Where(id => id >= 10).Order(), ran.Where(id => id >= 10));
        Assert.Equal(metrics.Completed, ran.Count);
        Assert.True(engine.WorkersStopped);
        Accounting.AssertBalanced(metrics, report);
    }

    [Theory]
    [InlineData(ShutdownMode.Drain)]
    [InlineData(ShutdownMode.Cancel)]
    public void Batches_of_one_key_never_overlap_and_run_each_request_once_in_order(ShutdownMode mode) =>
        Exploration.AssertNoBug(() => TwoProducersOneKey(mode, faultReleaseKeyEarly: false));

    [Fact]
    public void The_exploration_finds_a_key_released_before_its_batch_finished()
    {
        var report = Exploration.Run(() => TwoProducersOneKey(ShutdownMode.Drain, faultReleaseKeyEarly: true), iterations: 200);
        Assert.True(report.NumOfFoundBugs > 0, "the deliberate early release went unnoticed");
    }
}
