using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ExecutorGen.Tests;
using Xunit;

namespace ExecutorGen.Orleans.Tests;

/// <summary>
/// Batched calls: a lane sends its queued requests, up to <see cref="ClusterExecutorOptions.MaxBatchSize"/>, in one grain
/// call; the grain runs them in order (consecutive requests of a batch handler in one call of it) and answers each.
/// Requests are queued while the executor is paused, so that what one call carries is known.
/// </summary>
public sealed class BatchedCallTests : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly ClusterFixture _fixture;

    public BatchedCallTests(ClusterFixture fixture) => _fixture = fixture;

    private static string NewKey() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task A_keys_queued_requests_go_in_one_call_and_a_batch_handler_gets_them_in_one_call_of_its_own()
    {
        await using var executor = new RecordingHandlersClusterExecutor(_fixture.Cluster.Client);
        string key = NewKey();
        executor.Pause();
        for (int i = 0; i < 6; i++)
            await executor.SubmitAsync(new TallyRequest(key, i));
        executor.Resume();
        await executor.ShutdownAsync().WaitAsync(s_timeout);

        Assert.Equal(new[] { 1006, 0, 1, 2, 3, 4, 5 }, ExecutionLog.Of(key));
        var metrics = executor.GetMetrics();
        Assert.Equal(1, metrics.Batches); // grain calls
        Assert.Equal(6, metrics.BatchedRequests);
    }

    [Fact]
    public async Task MaxBatchSize_1_sends_each_request_in_a_call_of_its_own()
    {
        await using var executor = new RecordingHandlersClusterExecutor(_fixture.Cluster.Client, new ClusterExecutorOptions { MaxBatchSize = 1 });
        string key = NewKey();
        executor.Pause();
        for (int i = 0; i < 3; i++)
            await executor.SubmitAsync(new TallyRequest(key, i));
        executor.Resume();
        await executor.ShutdownAsync().WaitAsync(s_timeout);

        Assert.Equal(new[] { 1001, 0, 1001, 1, 1001, 2 }, ExecutionLog.Of(key));
        Assert.Equal(3, executor.GetMetrics().Batches);
    }

    [Fact]
    public async Task The_grain_splits_a_call_at_the_batch_handlers_limit_and_where_another_handler_comes_between()
    {
        await using var executor = new RecordingHandlersClusterExecutor(_fixture.Cluster.Client);
        string key = NewKey();
        executor.Pause();
        for (int i = 0; i < 10; i++)
            await executor.SubmitAsync(new TallyRequest(key, i)); // Tally takes at most 8
        await executor.SubmitAsync(new StepRequest(key, 100));
        await executor.SubmitAsync(new TallyRequest(key, 10));
        executor.Resume();
        await executor.ShutdownAsync().WaitAsync(s_timeout);

        var expected = new List<int> { 1008 };
        expected.AddRange(Enumerable.Range(0, 8));
        expected.AddRange(new[] { 1002, 8, 9, 100, 1001, 10 });
        Assert.Equal(expected, ExecutionLog.Of(key));
    }

    [Fact]
    public async Task Each_request_of_a_call_gets_its_own_result_or_its_own_failure_and_the_counts_balance()
    {
        var sink = new ListSink();
        await using var executor = new RecordingHandlersClusterExecutor(_fixture.Cluster.Client, new ClusterExecutorOptions { DeadLetters = sink });
        string key = NewKey();
        executor.Pause();
        var first = executor.InvokeStepAsync(new StepRequest(key, 0));
        var failing = executor.InvokeFailAsync(new FailRequest(key, "boom"));
        var last = executor.InvokeStepAsync(new StepRequest(key, 1));
        await Task.Delay(100); // InvokeAsync queues before it returns its task; give the three time to be queued
        Assert.Equal(3, executor.GetMetrics().QueueDepth);
        executor.Resume();

        Assert.Equal(1, await first.WaitAsync(s_timeout)); // Step returns the length of the key's log
        Assert.Equal("boom", (await Assert.ThrowsAsync<InvalidOperationException>(() => failing.WaitAsync(s_timeout))).Message);
        Assert.Equal(3, await last.WaitAsync(s_timeout));
        Assert.Equal(new[] { 0, -2, 1 }, ExecutionLog.Of(key));
        Assert.Equal("Fail", Assert.Single(sink.Letters).Handler);

        var report = await executor.ShutdownAsync().WaitAsync(s_timeout);
        var metrics = executor.GetMetrics();
        Assert.Equal(3, metrics.Submitted);
        Assert.Equal(2, metrics.Completed);
        Assert.Equal(1, metrics.DeadLettered);
        Assert.Equal(2, report.Completed);
        Assert.Equal(0, metrics.QueueDepth);
    }

    [Fact]
    public async Task A_redelivered_call_is_answered_from_the_marks_without_running_any_request_again()
    {
        string key = NewKey();
        var grain = GrainCalls.RecordingGrain(_fixture.Cluster.Client, key);
        var client = Guid.NewGuid();
        var call = new[]
        {
            GrainCalls.Step(client, key, 1, 0),
            GrainCalls.Step(client, key, 2, 1),
            GrainCalls.Tally(client, key, 3, 2),
            GrainCalls.Tally(client, key, 4, 3),
        };

        var replies = await grain.ExecuteBatchAsync(call);
        var again = await grain.ExecuteBatchAsync(call); // as after a reply lost on its way back

        Assert.Equal(new object?[] { 1, 2, null, null }, replies.Select(r => r.Result)); // Step returns the length of the key's log
        Assert.All(replies, r => Assert.False(r.Replayed));
        Assert.Equal(replies.Select(r => r.Result), again.Select(r => r.Result));
        Assert.All(again, r => Assert.True(r.Replayed));
        Assert.Equal(new[] { 0, 1, 1002, 2, 3 }, ExecutionLog.Of(key));
    }

    [Fact]
    public async Task A_call_with_requests_of_two_clients_is_refused()
    {
        string key = NewKey();
        var grain = GrainCalls.RecordingGrain(_fixture.Cluster.Client, key);
        var mixedClients = new[] { GrainCalls.Step(Guid.NewGuid(), key, 1, 0), GrainCalls.Step(Guid.NewGuid(), key, 2, 1) };

        await Assert.ThrowsAsync<ArgumentException>(() => grain.ExecuteBatchAsync(mixedClients));
        await Assert.ThrowsAsync<ArgumentException>(() => grain.ExecuteBatchAsync(Array.Empty<ClusterRequest>()));
        Assert.Empty(ExecutionLog.Of(key));
    }

    [Fact]
    public async Task With_buckets_the_keys_of_a_bucket_travel_in_one_call_each_in_its_order()
    {
        await using var executor = new RecordingHandlersClusterExecutor(_fixture.Cluster.Client, new ClusterExecutorOptions { BucketCount = 1 });
        var keys = new[] { NewKey(), NewKey(), NewKey() };
        executor.Pause();
        for (int i = 0; i < 12; i++)
            await executor.SubmitAsync(new StepRequest(keys[i % 3], i / 3));
        executor.Resume();
        await executor.ShutdownAsync().WaitAsync(s_timeout);

        foreach (var key in keys)
            Assert.Equal(new[] { 0, 1, 2, 3 }, ExecutionLog.Of(key));
        Assert.Equal(1, executor.GetMetrics().Batches);
        Assert.Equal(12, executor.GetMetrics().BatchedRequests);
    }

    [Fact]
    public async Task With_buckets_a_key_at_its_limit_holds_back_only_itself()
    {
        await using var executor = new RecordingHandlersClusterExecutor(_fixture.Cluster.Client,
            new ClusterExecutorOptions { BucketCount = 1, MaxQueuedPerKey = 2, FullMode = QueueFullMode.Reject });
        string full = NewKey(), other = NewKey();
        executor.Pause();
        Assert.True(executor.TrySubmit(new StepRequest(full, 0)));
        Assert.True(executor.TrySubmit(new StepRequest(full, 1)));
        Assert.False(executor.TrySubmit(new StepRequest(full, 2)));
        Assert.True(executor.TrySubmit(new StepRequest(other, 0)));
        executor.Resume();
        await executor.ShutdownAsync().WaitAsync(s_timeout);

        Assert.Equal(new[] { 0, 1 }, ExecutionLog.Of(full));
        Assert.Equal(new[] { 0 }, ExecutionLog.Of(other));
    }

    [Fact]
    public async Task A_redelivered_call_of_a_buckets_keys_is_answered_from_each_keys_mark()
    {
        string first = NewKey(), second = NewKey();
        var grain = GrainCalls.RecordingGrain(_fixture.Cluster.Client, first, bucketCount: 1);
        var client = Guid.NewGuid();
        var call = new[]
        {
            GrainCalls.Step(client, first, 1, 0),
            GrainCalls.Step(client, second, 2, 0),
            GrainCalls.Step(client, first, 3, 1),
            GrainCalls.Step(client, second, 4, 1),
        };

        var replies = await grain.ExecuteBatchAsync(call);
        var again = await grain.ExecuteBatchAsync(call);

        Assert.Equal(new object?[] { 1, 1, 2, 2 }, replies.Select(r => r.Result)); // Step returns the length of the key's log
        Assert.Equal(replies.Select(r => r.Result), again.Select(r => r.Result));
        Assert.All(again, r => Assert.True(r.Replayed));
        Assert.Equal(new[] { 0, 1 }, ExecutionLog.Of(first));
        Assert.Equal(new[] { 0, 1 }, ExecutionLog.Of(second));
    }
}
