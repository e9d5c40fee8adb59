using System.Collections.Concurrent;
using ExecutorGen.Runtime;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace ExecutorGen.Tests;

/// <summary>What a batch test's handler does with each call: the requests of the call, in order.</summary>
internal sealed class BatchProbe
{
    public int MaxBatchSize { get; init; } = 8;

    public Func<Item[], CancellationToken, ValueTask> Run { get; set; } = (_, _) => default;
}

/// <summary>A request of a batch handler for engine tests.</summary>
internal readonly record struct Item(string? Key, int Id, BatchProbe Probe);

/// <summary>A hand-written dispatcher of one batch handler, shaped like the generated ones.</summary>
internal readonly struct ItemDispatcher : IRequestDispatcher<string, Item>
{
    public bool TryGetKey(in Item envelope, out string key)
    {
        key = envelope.Key!;
        return envelope.Key is not null;
    }

    public ValueTask DispatchAsync(in Item envelope, IRequestCompletion? completion, CancellationToken cancellationToken) =>
        Dispatch.Await(envelope.Probe.Run(new[] { envelope }, cancellationToken), completion);

    public bool HasBatchHandlers => true;

    public int GetMaxBatchSize(in Item envelope) => envelope.Probe.MaxBatchSize;

    public bool IsSameHandler(in Item first, in Item second) => true;

    public ValueTask DispatchBatchAsync(ReadOnlySpan<Item> batch, CancellationToken cancellationToken) =>
        batch[0].Probe.Run(batch.ToArray(), cancellationToken);

    public string GetHandlerName(in Item envelope) => "Batch";

    public object?[] GetArguments(in Item envelope) => new object?[] { envelope.Id };
}

/// <summary>Batches in the engine under load, with failures, retries, engine faults and every shutdown.</summary>
public class BatchEngineTests
{
    private static ExecutorEngine<string, Item, ItemDispatcher> Create(ExecutorOptions options) => new(default, options, "Tests.BatchExecutor");

    public static TheoryData<Ordering, QueueFullMode, ShutdownMode> Combinations() => new()
    {
        { Ordering.PerKey, QueueFullMode.Wait, ShutdownMode.Drain },
        { Ordering.PerKey, QueueFullMode.DropOldest, ShutdownMode.Cancel },
        { Ordering.PerPartition, QueueFullMode.Wait, ShutdownMode.Drain },
        { Ordering.PerPartition, QueueFullMode.DropOldest, ShutdownMode.Cancel },
        { Ordering.Unordered, QueueFullMode.Wait, ShutdownMode.Drain },
    };

    [Theory]
    [MemberData(nameof(Combinations))]
    public async Task Batches_keep_each_key_s_order_lose_nothing_run_nothing_twice_and_balance_under_load(
        Ordering ordering, QueueFullMode fullMode, ShutdownMode shutdown)
    {
        const int Producers = 4, KeysPerProducer = 8, PerProducer = 6_000, Count = Producers * PerProducer;
        var ran = new int[Count];
        var running = new ConcurrentDictionary<string, int>();
        var succeeded = new ConcurrentDictionary<string, List<int>>();
        int sizes = 0, calls = 0, overlaps = 0, mixed = 0, oversized = 0;
        var probe = new BatchProbe { MaxBatchSize = 8 };
        probe.Run = async (items, _) =>
        {
            string key = items[0].Key!;
            if (items.Any(i => i.Key != key))
                Interlocked.Increment(ref mixed);
            if (items.Length > probe.MaxBatchSize)
                Interlocked.Increment(ref oversized);
            if (ordering != Ordering.Unordered && running.AddOrUpdate(key, 1, (_, n) => n + 1) != 1)
                Interlocked.Increment(ref overlaps);
            Interlocked.Increment(ref calls);
            Interlocked.Add(ref sizes, items.Length);
            if (items[0].Id % 5 == 0)
                await Task.Yield();
            bool fails = items.Sum(i => i.Id) % 23 == 0; // the same batch fails on each attempt: some are dead-lettered
            if (ordering != Ordering.Unordered)
                running.AddOrUpdate(key, 0, (_, n) => n - 1);
            if (fails)
                throw new InvalidOperationException("batch failed");
            foreach (var item in items)
            {
                Interlocked.Increment(ref ran[item.Id]);
                var seen = succeeded.GetOrAdd(key, _ => new List<int>());
                lock (seen)
                    seen.Add(item.Id);
            }
        };
        var sink = new ListSink();
        var engine = Create(new ExecutorOptions
        {
            WorkerCount = 3,
            Capacity = 64,
            Ordering = ordering,
            FullMode = fullMode,
            MaxAttempts = 2,
            RetryBackoff = TimeSpan.Zero,
            DeadLetters = sink,
        });
        int faults = 0;
        engine.FaultInjector = point =>
        {
            if (point == "taken" && Interlocked.Increment(ref faults) % 29 == 0)
                throw new InvalidOperationException("injected engine fault");
        };

        var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            for (int i = 0; i < PerProducer; i++)
            {
                int id = p * PerProducer + i;
                await engine.SubmitAsync(new Item($"p{p}k{i % KeysPerProducer}", id, probe), default);
                if (fullMode != QueueFullMode.Wait && i % 16 == 0)
                    await Task.Delay(1); // a producer that never waits for room would shed nearly everything at once
            }
        })).ToArray();
        if (shutdown == ShutdownMode.Drain)
            await Task.WhenAll(producers);
        else
            await Eventually.Until(() => Volatile.Read(ref calls) > 300, TimeSpan.FromSeconds(30)); // mid-stream
        var report = await engine.ShutdownAsync(shutdown, TimeSpan.FromMinutes(1));
        await Task.WhenAll(producers.Select(p => p.ContinueWith(_ => { }, TaskScheduler.Default))); // refused after shutdown: fine
        var metrics = engine.GetMetrics();

        Assert.Equal(0, mixed);
        Assert.Equal(0, oversized);
        Assert.Equal(0, overlaps);
        Assert.False(report.TimedOut);
        Assert.All(ran, count => Assert.InRange(count, 0, 1));
        var failedOrDropped = sink.Letters.Select(l => (int)l.Arguments[0]!).ToList();
        Assert.Equal(failedOrDropped.Count, failedOrDropped.Distinct().Count());
        Assert.All(failedOrDropped, id => Assert.Equal(0, ran[id]));
        var unprocessed = report.Unprocessed.Select(u => (int)u.Arguments[0]!).ToList();
        Assert.All(unprocessed, id => Assert.Equal(0, ran[id]));
        if (ordering != Ordering.Unordered)
            Assert.All(succeeded.Values, ids => Assert.Equal(ids.Order(), ids));
        Assert.Equal(ran.Sum(), metrics.Completed);
        Assert.Equal(metrics.DeadLettered + metrics.Dropped, sink.Letters.Count);
        Assert.Equal(sizes, metrics.BatchedRequests + metrics.Retried); // a retry calls the batch again
        if (ordering != Ordering.Unordered) // there a batch is a run of one key at the front of the queue: rare here
            Assert.True(metrics.BatchedRequests > metrics.Batches, $"{metrics.Batches} calls carried {metrics.BatchedRequests} requests: no batching");
        Assert.True(metrics.WorkerRestarts > 0, "the engine faults were injected");
        Accounting.AssertBalanced(metrics, report);
    }

    [Fact]
    public async Task Metrics_count_requests_and_the_batch_size_histogram_records_one_size_per_call()
    {
        using var factory = new TestMeterFactory();
        using var completed = new MetricCollector<long>(factory, "ExecutorGen", "executorgen.requests.completed");
        using var failed = new MetricCollector<long>(factory, "ExecutorGen", "executorgen.requests.failed");
        using var sizes = new MetricCollector<int>(factory, "ExecutorGen", "executorgen.batch.size");
        using var queueTime = new MetricCollector<double>(factory, "ExecutorGen", "executorgen.request.queue_time");
        int calls = 0;
        var probe = new BatchProbe { MaxBatchSize = 5, Run = (_, _) => Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException() : default };
        var engine = Create(new ExecutorOptions { WorkerCount = 1, MaxAttempts = 2, RetryBackoff = TimeSpan.Zero, MeterFactory = factory });
        engine.Pause();
        for (int i = 0; i < 7; i++)
            await engine.SubmitAsync(new Item("k", i, probe), default);
        engine.Resume();
        await engine.ShutdownAsync();

        Assert.Equal(7, completed.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(5, failed.GetMeasurementSnapshot().EvaluateAsCounter()); // the first call's 5 requests, retried whole
        Assert.Equal(new[] { 5, 2 }, sizes.GetMeasurementSnapshot().Select(m => m.Value));
        Assert.Equal("{request}", sizes.Instrument!.Unit);
        Assert.Equal(7, queueTime.GetMeasurementSnapshot().Count); // one per request, not per call
        var metrics = engine.GetMetrics();
        Assert.Equal((2, 7, 7, 5, 5), (metrics.Batches, metrics.BatchedRequests, metrics.Completed, metrics.Failed, metrics.Retried));
        Assert.Equal(7, metrics.QueueTime.Count);
    }

    [Fact]
    public async Task A_batch_past_its_timeout_fails_for_each_of_its_requests_and_each_caller_gets_the_timeout()
    {
        var probe = new BatchProbe { MaxBatchSize = 8, Run = async (_, token) => await Task.Delay(Timeout.Infinite, token) };
        var sink = new ListSink();
        var engine = Create(new ExecutorOptions { WorkerCount = 1, HandlerTimeout = TimeSpan.FromMilliseconds(50), DeadLetters = sink });
        engine.Pause();
        var calls = Enumerable.Range(0, 3).Select(i => engine.InvokeAsync(new Item("k", i, probe), default)).ToArray();
        engine.Resume();

        foreach (var call in calls)
            await Assert.ThrowsAsync<TimeoutException>(() => call);
        var report = await engine.ShutdownAsync();
        var metrics = engine.GetMetrics();

        Assert.Equal((3, 3, 3, 1), (metrics.TimedOut, metrics.Failed, metrics.DeadLettered, metrics.Batches));
        Assert.Equal(new object?[] { 0, 1, 2 }, sink.Letters.Select(l => l.Arguments[0]));
        Assert.All(sink.Letters, l => Assert.IsType<TimeoutException>(l.Exception));
        Accounting.AssertBalanced(metrics, report);
    }

    [Fact]
    public async Task A_batch_handler_of_at_most_one_request_still_counts_its_calls_as_batches()
    {
        var probe = new BatchProbe { MaxBatchSize = 1 };
        var engine = Create(new ExecutorOptions { WorkerCount = 1 });
        engine.Pause();
        for (int i = 0; i < 3; i++)
            await engine.SubmitAsync(new Item("k", i, probe), default);
        engine.Resume();
        await engine.ShutdownAsync();

        Assert.Equal((3, 3), (engine.GetMetrics().Batches, engine.GetMetrics().BatchedRequests));
    }

    [Theory]
    [InlineData(Ordering.PerKey)]
    [InlineData(Ordering.PerPartition)]
    public async Task A_batch_whose_worker_faulted_before_running_it_goes_back_whole_and_runs_in_order(Ordering ordering)
    {
        var calls = new ConcurrentQueue<int[]>();
        var probe = new BatchProbe { MaxBatchSize = 4, Run = (items, _) => { calls.Enqueue(items.Select(i => i.Id).ToArray()); return default; } };
        var engine = Create(new ExecutorOptions { WorkerCount = 2, Ordering = ordering });
        int faults = 0;
        engine.FaultInjector = point =>
        {
            if (point == "taken" && Interlocked.Increment(ref faults) == 1)
                throw new InvalidOperationException("injected engine fault");
        };
        engine.Pause();
        for (int i = 0; i < 6; i++)
            await engine.SubmitAsync(new Item("k", i, probe), default);
        engine.Resume();
        var report = await engine.ShutdownAsync();

        Assert.Equal(1, engine.GetMetrics().WorkerRestarts);
        Assert.Equal(new[] { "0,1,2,3", "4,5" }, calls.Select(c => string.Join(",", c)));
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }
}
