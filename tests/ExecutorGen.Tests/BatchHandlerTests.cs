using System.Collections.Concurrent;

namespace ExecutorGen.Tests;

/// <summary>A purchase for the batch handler tests.</summary>
public sealed record Purchase(string Key, int Id);

/// <summary>A batch handler and a handler of single requests sharing one key space, recording every call.</summary>
public sealed class OrderBatches
{
    public const int MaxBatch = 16;

    /// <summary>Every call, in the order calls started: the handler and the ids it got.</summary>
    public ConcurrentQueue<(string Handler, string Key, int[] Ids)> Calls { get; } = new();

    /// <summary>Runs inside each call of <see cref="Save"/> (after it is recorded), with the call's number from 0 and its token.</summary>
    public Func<IReadOnlyList<Purchase>, int, CancellationToken, Task> Body { get; set; } = (_, _, _) => Task.CompletedTask;

    private int _saves;

    [RequestHandler(PartitionBy = nameof(Purchase.Key), MaxBatchSize = MaxBatch)]
    public Task Save(IReadOnlyList<Purchase> purchases, CancellationToken cancellationToken)
    {
        Calls.Enqueue(("Save", purchases[0].Key, purchases.Select(p => p.Id).ToArray()));
        return Body(purchases, Interlocked.Increment(ref _saves) - 1, cancellationToken);
    }

    [RequestHandler(PartitionBy = nameof(key))]
    public void Note(string key, int id) => Calls.Enqueue(("Note", key, new[] { id }));
}

/// <summary>A batch handler without a key: batches whatever is queued for it.</summary>
public static class Heartbeats
{
    public static ConcurrentQueue<int[]> Calls { get; } = new();

    [RequestHandler(MaxBatchSize = 100)]
    public static void Beat(IReadOnlyList<int> numbers) => Calls.Enqueue(numbers.ToArray());
}

/// <summary>Batch handlers (<see cref="RequestHandlerAttribute.MaxBatchSize"/>) through a generated executor.</summary>
public class BatchHandlerTests
{
    [Theory]
    [InlineData(Ordering.PerKey, 1)]
    [InlineData(Ordering.PerKey, 3)]
    [InlineData(Ordering.PerPartition, 3)]
    public async Task A_key_s_queued_requests_run_in_batches_of_at_most_the_limit_in_order_without_waiting_to_fill(Ordering ordering, int workers)
    {
        var handlers = new OrderBatches();
        var firstRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        handlers.Body = async (_, call, _) =>
        {
            if (call == 0)
            {
                firstRunning.SetResult();
                await release.Task;
            }
        };
        var executor = new OrderBatchesExecutor(handlers, new ExecutorOptions { WorkerCount = workers, Ordering = ordering });

        await executor.SubmitAsync(new Purchase("a", 0));
        await firstRunning.Task; // a batch of one: nothing else was queued, and a batch never waits to fill
        for (int i = 1; i <= 40; i++)
            await executor.SubmitAsync(new Purchase("a", i));
        release.SetResult();
        var report = await executor.ShutdownAsync();

        var batches = handlers.Calls.Select(c => c.Ids).ToArray();
        Assert.Equal(new[] { 0 }, batches[0]);
        Assert.Equal(Enumerable.Range(1, 16), batches[1]);
        Assert.Equal(Enumerable.Range(17, 16), batches[2]);
        Assert.Equal(Enumerable.Range(33, 8), batches[3]);
        Assert.Equal(4, batches.Length);
        var metrics = executor.GetMetrics();
        Assert.Equal(41, metrics.Completed);
        Assert.Equal(4, metrics.Batches);
        Assert.Equal(41, metrics.BatchedRequests);
        Assert.Equal(41, metrics.Workers.Sum(w => w.Processed));
        Accounting.AssertBalanced(metrics, report);
    }

    [Theory]
    [InlineData(Ordering.PerKey)]
    [InlineData(Ordering.PerPartition)]
    public async Task A_batch_holds_one_key_and_one_handler_and_keeps_the_key_s_order_across_handlers(Ordering ordering)
    {
        var handlers = new OrderBatches();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var executor = new OrderBatchesExecutor(handlers, new ExecutorOptions { WorkerCount = 2, Ordering = ordering });
        executor.Pause(); // everything below is queued before anything starts
        var submitted = new (string Handler, string Key, int Id)[]
        {
            ("Save", "a", 1), ("Save", "b", 2), ("Save", "a", 3), ("Note", "a", 4), ("Save", "a", 5), ("Save", "a", 6), ("Save", "b", 7),
        };
        foreach (var (handler, key, id) in submitted)
        {
            if (handler == "Save")
                await executor.SubmitAsync(new Purchase(key, id));
            else
                await executor.SubmitAsync(key, id);
        }
        executor.Resume();
        release.SetResult();
        await executor.ShutdownAsync();

        var calls = handlers.Calls.ToArray();
        var ofA = calls.Where(c => c.Key == "a").Select(c => $"{c.Handler}[{string.Join(",", c.Ids)}]");
        var ofB = calls.Where(c => c.Key == "b").Select(c => $"{c.Handler}[{string.Join(",", c.Ids)}]");
        Assert.Equal(new[] { "Save[1,3]", "Note[4]", "Save[5,6]" }, ofA);
        Assert.Equal(new[] { "Save[2,7]" }, ofB);
    }

    [Fact]
    public async Task Under_Unordered_a_batch_is_the_run_of_one_key_s_requests_at_the_front_of_the_queue()
    {
        var handlers = new OrderBatches();
        var executor = new OrderBatchesExecutor(handlers, new ExecutorOptions { WorkerCount = 1, Ordering = Ordering.Unordered });
        executor.Pause();
        foreach (var (key, id) in new[] { ("a", 1), ("a", 2), ("b", 3), ("a", 4) })
            await executor.SubmitAsync(new Purchase(key, id));
        executor.Resume();
        await executor.ShutdownAsync();

        Assert.Equal(new[] { "a:1,2", "b:3", "a:4" }, handlers.Calls.Select(c => $"{c.Key}:{string.Join(",", c.Ids)}"));
    }

    [Fact]
    public async Task A_batch_handler_without_a_key_batches_whatever_is_queued_for_it()
    {
        Heartbeats.Calls.Clear();
        var executor = new HeartbeatsExecutor(new ExecutorOptions { WorkerCount = 1 });
        executor.Pause();
        for (int i = 0; i < 250; i++)
            await executor.SubmitAsync(i);
        executor.Resume();
        await executor.ShutdownAsync();

        Assert.Equal(new[] { 100, 100, 50 }, Heartbeats.Calls.Select(c => c.Length));
        Assert.Equal(Enumerable.Range(0, 250), Heartbeats.Calls.SelectMany(c => c));
    }

    [Fact]
    public async Task Each_caller_of_InvokeAsync_completes_when_the_batch_holding_its_request_has_run()
    {
        var handlers = new OrderBatches();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        handlers.Body = (_, _, _) => release.Task;
        await using var executor = new OrderBatchesExecutor(handlers, new ExecutorOptions { WorkerCount = 1 });
        executor.Pause();
        var calls = Enumerable.Range(0, 5).Select(i => executor.InvokeAsync(new Purchase("a", i))).ToArray();
        executor.Resume();
        await Eventually.Until(() => handlers.Calls.Count == 1, TimeSpan.FromSeconds(10));

        Assert.All(calls, call => Assert.False(call.IsCompleted));
        release.SetResult();
        await Task.WhenAll(calls);
        Assert.Equal(Enumerable.Range(0, 5), handlers.Calls.Single().Ids);
    }

    [Fact]
    public async Task A_batch_handler_waiting_on_its_own_key_through_its_executor_is_refused_at_once()
    {
        var handlers = new OrderBatches();
        OrderBatchesExecutor? executor = null;
        Exception? refusal = null;
        handlers.Body = async (_, call, _) =>
        {
            if (call == 0)
                refusal = await Record.ExceptionAsync(() => executor!.InvokeAsync(new Purchase("a", 99)));
        };
        executor = new OrderBatchesExecutor(handlers, new ExecutorOptions { WorkerCount = 2 });

        await executor.InvokeAsync(new Purchase("a", 0));
        await executor.ShutdownAsync();

        Assert.IsType<InvalidOperationException>(refusal);
    }

    [Fact]
    public async Task A_failed_batch_is_retried_whole_and_then_dead_lettered_as_its_requests_in_order()
    {
        var handlers = new OrderBatches();
        var failure = new InvalidOperationException("store down");
        handlers.Body = (_, _, _) => Task.FromException(failure);
        var sink = new ListSink();
        var executor = new OrderBatchesExecutor(handlers, new ExecutorOptions
        {
            WorkerCount = 1,
            MaxAttempts = 3,
            RetryBackoff = TimeSpan.Zero,
            DeadLetters = sink,
        });
        executor.Pause();
        var calls = Enumerable.Range(0, 4).Select(i => executor.InvokeAsync(new Purchase("a", i))).ToArray();
        executor.Resume();

        foreach (var call in calls)
            Assert.Same(failure, await Assert.ThrowsAsync<InvalidOperationException>(() => call));
        var report = await executor.ShutdownAsync();
        var metrics = executor.GetMetrics();

        Assert.Equal(3, handlers.Calls.Count);
        Assert.All(handlers.Calls, c => Assert.Equal(Enumerable.Range(0, 4), c.Ids)); // the same batch, each attempt
        Assert.Equal(Enumerable.Range(0, 4).Select(i => (object?)new Purchase("a", i)), sink.Letters.Select(l => l.Arguments.Single()));
        Assert.All(sink.Letters, l => Assert.Equal(3, l.Attempts));
        Assert.Equal(12, metrics.Failed); // each attempt failed for 4 requests
        Assert.Equal(8, metrics.Retried);
        Assert.Equal(4, metrics.DeadLettered);
        Assert.Equal(1, metrics.Batches);
        Assert.Equal(12, metrics.Workers.Single().Failed);
        Accounting.AssertBalanced(metrics, report);
    }

    [Fact]
    public async Task A_dead_lettered_batch_s_requests_replay_one_by_one()
    {
        var handlers = new OrderBatches();
        handlers.Body = (_, call, _) => call == 0 ? Task.FromException(new InvalidOperationException()) : Task.CompletedTask;
        var sink = new ListSink();
        await using var executor = new OrderBatchesExecutor(handlers, new ExecutorOptions { WorkerCount = 1, DeadLetters = sink });
        executor.Pause();
        for (int i = 0; i < 3; i++)
            await executor.SubmitAsync(new Purchase("a", i));
        executor.Resume();
        await Eventually.Until(() => sink.Letters.Count == 3, TimeSpan.FromSeconds(10));

        foreach (var letter in sink.Letters)
            await letter.Replay!.SubmitAsync(default);
        await Eventually.Until(() => handlers.Calls.Sum(c => c.Ids.Length) == 6, TimeSpan.FromSeconds(10));

        Assert.Equal(new[] { 0, 1, 2, 0, 1, 2 }, handlers.Calls.SelectMany(c => c.Ids));
    }

    [Fact]
    public async Task A_paused_key_s_batch_letters_replayed_in_order_run_in_that_order_before_the_requests_held_meanwhile()
    {
        var (handlers, sink, executor) = await FirstBatchDeadLetteredWithItsKeyPausedAsync(new ExecutorOptions { WorkerCount = 1 });

        foreach (var letter in sink.Letters.ToArray())
            await letter.Replay!.SubmitAsync(default);
        Assert.True(executor.ResumeKey("a"));
        var report = await executor.ShutdownAsync();

        Assert.Equal(new[] { "0,1,2", "0,1,2,3" }, handlers.Calls.Select(c => string.Join(",", c.Ids)));
        Accounting.AssertBalanced(executor.GetMetrics(), report);
    }

    [Fact]
    public async Task Replayed_batch_letters_keep_their_order_across_a_re_partitioning()
    {
        var (handlers, sink, executor) = await FirstBatchDeadLetteredWithItsKeyPausedAsync(
            new ExecutorOptions { WorkerCount = 2, Ordering = Ordering.PerPartition });
        var letters = sink.Letters.ToArray();

        await letters[0].Replay!.SubmitAsync(default);
        executor.SetWorkerCount(3); // every queued request moves to its key's partition under the new count
        await letters[1].Replay!.SubmitAsync(default);
        await letters[2].Replay!.SubmitAsync(default);
        Assert.True(executor.ResumeKey("a"));
        var report = await executor.ShutdownAsync();

        Assert.Equal(new[] { "0,1,2", "0,1,2,3" }, handlers.Calls.Select(c => string.Join(",", c.Ids)));
        Accounting.AssertBalanced(executor.GetMetrics(), report);
    }

    /// <summary>
    /// Key "a"'s first batch (requests 0, 1, 2) fails and is dead-lettered with the key paused
    /// (<see cref="DeadLetterPolicy.PauseKey"/>); request 3, submitted after, is held by the pause.
    /// </summary>
    private static async Task<(OrderBatches Handlers, ListSink Sink, OrderBatchesExecutor Executor)> FirstBatchDeadLetteredWithItsKeyPausedAsync(ExecutorOptions options)
    {
        var handlers = new OrderBatches();
        handlers.Body = (_, call, _) => call == 0 ? Task.FromException(new InvalidOperationException()) : Task.CompletedTask;
        var sink = new ListSink();
        options.DeadLetters = sink;
        options.DeadLetterPolicy = DeadLetterPolicy.PauseKey;
        var executor = new OrderBatchesExecutor(handlers, options);
        executor.Pause();
        for (int i = 0; i < 3; i++)
            await executor.SubmitAsync(new Purchase("a", i));
        executor.Resume();
        await Eventually.Until(() => executor.GetMetrics().PausedKeys == 1, TimeSpan.FromSeconds(10));
        await executor.SubmitAsync(new Purchase("a", 3)); // held by the pause
        return (handlers, sink, executor);
    }

    [Fact]
    public async Task A_cancel_shutdown_cancels_every_request_of_the_running_batch_and_reports_the_queued_ones()
    {
        var handlers = new OrderBatches();
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        handlers.Body = async (_, _, cancellationToken) =>
        {
            running.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        };
        var executor = new OrderBatchesExecutor(handlers, new ExecutorOptions { WorkerCount = 1 });
        executor.Pause();
        var calls = Enumerable.Range(0, 20).Select(i => executor.InvokeAsync(new Purchase("a", i))).ToArray();
        executor.Resume();
        await running.Task;

        var report = await executor.ShutdownAsync(ShutdownMode.Cancel, TimeSpan.FromSeconds(30));
        var metrics = executor.GetMetrics();

        Assert.Equal(16, metrics.Cancelled); // the running batch, whole
        Assert.Equal(Enumerable.Range(16, 4).Select(i => (object?)new Purchase("a", i)), report.Unprocessed.Select(u => u.Arguments.Single()));
        foreach (var call in calls.Take(16))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Accounting.AssertBalanced(metrics, report);
    }
}
