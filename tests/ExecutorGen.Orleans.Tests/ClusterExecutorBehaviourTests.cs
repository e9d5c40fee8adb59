using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ExecutorGen.Tests;
using Xunit;

namespace ExecutorGen.Orleans.Tests;

/// <summary>The cluster executor's contract on a one-silo cluster: capacity, full modes, per-key limits, backpressure,
/// handler failures, results, shutdown.</summary>
public sealed class ClusterExecutorBehaviourTests : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly ClusterFixture _fixture;

    public ClusterExecutorBehaviourTests(ClusterFixture fixture) => _fixture = fixture;

    private static string NewKey() => Guid.NewGuid().ToString("N");

    [Fact]
    public async Task InvokeAsync_returns_the_handlers_result_from_the_silo()
    {
        await using var executor = new RecordingHandlersClusterExecutor(_fixture.Cluster.Client);
        string key = NewKey();
        await executor.InvokeAsync(new OpenRequest(key));
        Assert.Equal(2, await executor.InvokeAsync(new StepRequest(key, 0)));
        Assert.Equal(3, await executor.InvokeStepAsync(new StepRequest(key, 1)));
        Assert.Equal(42, await executor.InvokeEchoAsync(42));
        Assert.Equal(new[] { -1, 0, 1 }, ExecutionLog.Of(key));
    }

    [Fact]
    public async Task A_handlers_exception_faults_InvokeAsync_goes_to_the_dead_letter_sink_and_the_key_carries_on()
    {
        var sink = new ListSink();
        await using var executor = new RecordingHandlersClusterExecutor(_fixture.Cluster.Client,
            new ClusterExecutorOptions { DeadLetters = sink });
        string key = NewKey();

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => executor.InvokeFailAsync(new FailRequest(key, "boom")));
        Assert.Equal("boom", exception.Message);
        Assert.Equal(2, await executor.InvokeStepAsync(new StepRequest(key, 0)));

        var letter = Assert.Single(sink.Letters);
        Assert.Equal("Fail", letter.Handler);
        Assert.Equal(key, letter.Key);
        Assert.Equal(DeadLetterReason.Failed, letter.Reason);
        var metrics = executor.GetMetrics();
        Assert.Equal(1, metrics.DeadLettered);
        Assert.Equal(1, metrics.Completed);
        Assert.Equal(0, metrics.Retried); // a handler's failure is an answer, not a failed delivery
    }

    [Fact]
    public async Task A_paused_cluster_executor_accepts_but_sends_nothing_until_resumed_and_then_keeps_each_keys_order()
    {
        await using var executor = new RecordingHandlersClusterExecutor(_fixture.Cluster.Client);
        string first = NewKey(), second = NewKey();
        executor.Pause();
        for (int i = 0; i < 20; i++)
            await executor.SubmitAsync(new StepRequest(i % 2 == 0 ? first : second, i));
        await Task.Delay(200); // time for a request sent by mistake to run

        Assert.Empty(ExecutionLog.Of(first));
        Assert.Equal(ExecutorState.Paused, executor.GetMetrics().State);
        Assert.Equal(20, executor.GetMetrics().QueueDepth);

        executor.Resume();
        var report = await executor.ShutdownAsync().WaitAsync(s_timeout);

        Assert.Equal(Enumerable.Range(0, 20).Where(i => i % 2 == 0), ExecutionLog.Of(first));
        Assert.Equal(Enumerable.Range(0, 20).Where(i => i % 2 == 1), ExecutionLog.Of(second));
        Assert.Equal(20, report.Completed);
    }

    [Fact]
    public async Task With_one_call_slot_a_pause_holds_every_request_not_yet_at_the_cluster()
    {
        string gate = Gates.New();
        await using var executor = new HoldingHandlersClusterExecutor(_fixture.Cluster.Client, new ClusterExecutorOptions { MaxConcurrentCalls = 1 });
        var keys = Enumerable.Range(0, 4).Select(_ => NewKey()).ToArray();
        foreach (var key in keys)
            await executor.SubmitAsync(new HoldRequest(key, gate)); // one reaches the cluster and holds the only slot
        await Task.Delay(200);

        executor.Pause();
        Gates.Open(gate);
        await Task.Delay(300); // the held call returns; the other pumps, waiting for the slot, must not send

        var metrics = executor.GetMetrics();
        Assert.Equal(1, metrics.Completed);
        Assert.Equal(3, metrics.QueueDepth);
        executor.Resume();
        var report = await executor.ShutdownAsync().WaitAsync(s_timeout);
        Assert.Equal(4, report.Completed);
    }

    [Fact]
    public async Task A_drain_shutdown_resumes_a_paused_cluster_executor_and_a_cancel_keeps_its_queue_back()
    {
        string drained = NewKey(), cancelled = NewKey();
        var draining = new RecordingHandlersClusterExecutor(_fixture.Cluster.Client);
        draining.Pause();
        for (int i = 0; i < 5; i++)
            await draining.SubmitAsync(new StepRequest(drained, i));
        var cancelling = new RecordingHandlersClusterExecutor(_fixture.Cluster.Client);
        cancelling.Pause();
        for (int i = 0; i < 5; i++)
            await cancelling.SubmitAsync(new StepRequest(cancelled, i));

        var drainReport = await draining.ShutdownAsync(ShutdownMode.Drain).WaitAsync(s_timeout);
        var cancelReport = await cancelling.ShutdownAsync(ShutdownMode.Cancel).WaitAsync(s_timeout);

        Assert.Equal(Enumerable.Range(0, 5), ExecutionLog.Of(drained));
        Assert.Empty(drainReport.Unprocessed);
        Assert.Empty(ExecutionLog.Of(cancelled));
        Assert.Equal(5, cancelReport.Unprocessed.Count);
    }

    [Fact]
    public async Task Reject_refuses_beyond_capacity_and_TrySubmit_returns_false()
    {
        string gate = Gates.New();
        await using var executor = new HoldingHandlersClusterExecutor(_fixture.Cluster.Client,
            new ClusterExecutorOptions { Capacity = 2, FullMode = QueueFullMode.Reject });
        await executor.SubmitAsync(new HoldRequest(NewKey(), gate));
        Assert.True(executor.TrySubmit(new HoldRequest(NewKey(), gate)));

        var rejected = await Assert.ThrowsAsync<RequestRejectedException>(() => executor.SubmitAsync(new HoldRequest(NewKey(), gate)).AsTask());
        Assert.Equal(RejectionReason.Full, rejected.Reason);
        Assert.False(executor.TrySubmit(new HoldRequest(NewKey(), gate)));

        Gates.Open(gate);
        var report = await executor.ShutdownAsync().WaitAsync(s_timeout);
        var metrics = executor.GetMetrics();
        Assert.Equal(2, metrics.Rejected);
        Assert.Equal(2, metrics.Submitted);
        Assert.Equal(2, report.Completed);
    }

    [Fact]
    public async Task MaxQueuedPerKey_limits_one_key_and_not_the_others()
    {
        string gate = Gates.New();
        string hot = NewKey();
        await using var executor = new HoldingHandlersClusterExecutor(_fixture.Cluster.Client,
            new ClusterExecutorOptions { MaxQueuedPerKey = 2, FullMode = QueueFullMode.Reject });
        Assert.True(executor.TrySubmit(new HoldRequest(hot, gate)));
        Assert.True(executor.TrySubmit(new HoldRequest(hot, gate)));
        Assert.False(executor.TrySubmit(new HoldRequest(hot, gate)));
        Assert.True(executor.TrySubmit(new HoldRequest(NewKey(), gate)));
        Gates.Open(gate);
        Assert.Equal(3, (await executor.ShutdownAsync().WaitAsync(s_timeout)).Completed);
    }

    [Fact]
    public async Task Wait_holds_SubmitAsync_until_room_frees_and_its_token_stops_the_wait()
    {
        string gate = Gates.New();
        await using var executor = new HoldingHandlersClusterExecutor(_fixture.Cluster.Client,
            new ClusterExecutorOptions { Capacity = 1 });
        await executor.SubmitAsync(new HoldRequest(NewKey(), gate));

        using var cancel = new CancellationTokenSource();
        var cancelled = executor.SubmitAsync(new HoldRequest(NewKey(), gate), cancel.Token).AsTask();
        var waiting = executor.SubmitAsync(new HoldRequest(NewKey(), gate)).AsTask();
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        Gates.Open(gate);
        await waiting.WaitAsync(s_timeout);
        var report = await executor.ShutdownAsync().WaitAsync(s_timeout);
        Assert.Equal(2, report.Completed);
    }

    [Fact]
    public async Task Backpressure_turns_on_at_the_high_watermark_and_off_under_the_low_one()
    {
        string gate = Gates.New();
        var changes = new ConcurrentQueue<BackpressureChangedEventArgs>();
        await using var executor = new HoldingHandlersClusterExecutor(_fixture.Cluster.Client,
            new ClusterExecutorOptions { Capacity = 10, HighWatermark = 0.8, LowWatermark = 0.5 });
        executor.BackpressureChanged += (sender, args) =>
        {
            Assert.Same(executor, sender);
            changes.Enqueue(args);
        };

        for (int i = 0; i < 7; i++)
            await executor.SubmitAsync(new HoldRequest(NewKey(), gate));
        Assert.False(executor.Backpressure.IsActive);
        await executor.SubmitAsync(new HoldRequest(NewKey(), gate));
        Assert.True(executor.Backpressure.IsActive);
        Assert.Equal(BackpressureReason.QueueFill, executor.Backpressure.Reasons);
        Assert.Equal(0.8, executor.Backpressure.QueueFill, 3);
        Assert.True(executor.GetMetrics().Backpressure.IsActive);

        Gates.Open(gate);
        await Eventually(() => !executor.Backpressure.IsActive);
        await Eventually(() => changes.Count == 2);
        var on = changes.First();
        var off = changes.Last();
        Assert.True(on.Current.IsActive && !on.Previous.IsActive);
        Assert.True(off.Previous.IsActive && !off.Current.IsActive);
    }

    [Fact]
    public async Task BackpressureChanged_is_raised_once_per_raise_and_once_per_clear()
    {
        var changes = new ConcurrentQueue<(object? Sender, BackpressureChangedEventArgs Args)>();
        await using var executor = new HoldingHandlersClusterExecutor(_fixture.Cluster.Client,
            new ClusterExecutorOptions { Capacity = 10, HighWatermark = 0.8, LowWatermark = 0.5 });
        executor.BackpressureChanged += (sender, args) => changes.Enqueue((sender, args));

        // Two overload episodes, each filling the executor past the high watermark to capacity, then draining it.
        for (int episode = 0; episode < 2; episode++)
        {
            string gate = Gates.New();
            for (int i = 0; i < 10; i++)
                await executor.SubmitAsync(new HoldRequest(NewKey(), gate));
            Assert.True(executor.Backpressure.IsActive);
            Gates.Open(gate);
            await Eventually(() => !executor.Backpressure.IsActive);
        }

        await Eventually(() => changes.Count >= 4);
        await executor.ShutdownAsync().WaitAsync(s_timeout);
        await Task.Delay(100); // a late, surplus event would arrive here
        Assert.Equal(new[] { true, false, true, false }, changes.Select(change => change.Args.Current.IsActive));
        Assert.All(changes, change => Assert.Same(executor, change.Sender));
        Assert.All(changes, change => Assert.NotEqual(change.Args.Previous.IsActive, change.Args.Current.IsActive));
    }

    [Fact]
    public async Task Cancel_shutdown_returns_the_requests_not_yet_sent_and_cancels_their_invocations()
    {
        string gate = Gates.New();
        string key = NewKey();
        var executor = new HoldingHandlersClusterExecutor(_fixture.Cluster.Client);
        var running = executor.InvokeAsync(new HoldRequest(key, gate));
        await Eventually(() => executor.GetMetrics().BusyWorkers == 1);
        var queued = Enumerable.Range(0, 3).Select(_ => executor.InvokeAsync(new HoldRequest(key, gate))).ToArray();
        Assert.Equal(3, executor.GetMetrics().QueueDepth);

        var shutdown = executor.ShutdownAsync(ShutdownMode.Cancel);
        foreach (var invocation in queued)
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => invocation);
        var afterShutdown = await Assert.ThrowsAsync<RequestRejectedException>(() => executor.SubmitAsync(new HoldRequest(key, gate)).AsTask());
        Assert.Equal(RejectionReason.ShuttingDown, afterShutdown.Reason);
        Assert.False(shutdown.IsCompleted); // the request at the cluster cannot be called back: shutdown waits for it

        Gates.Open(gate);
        Assert.Equal(key, await running.WaitAsync(s_timeout));
        var report = await shutdown.WaitAsync(s_timeout);
        Assert.Equal(3, report.Unprocessed.Count);
        Assert.All(report.Unprocessed, request => Assert.Equal("Hold", request.Handler));
        Assert.All(report.Unprocessed, request => Assert.Equal(key, request.Key));
        Assert.Equal(1, report.Completed);
        Assert.Same(report, await executor.ShutdownAsync());
        Assert.Equal(ExecutorState.Stopped, executor.GetMetrics().State);
        Assert.Equal(new[] { 0 }, ExecutionLog.Of(key));
    }

    [Fact]
    public async Task A_drain_that_times_out_keeps_back_what_was_not_sent()
    {
        string gate = Gates.New();
        string key = NewKey();
        var executor = new HoldingHandlersClusterExecutor(_fixture.Cluster.Client);
        await executor.SubmitAsync(new HoldRequest(key, gate));
        await Eventually(() => executor.GetMetrics().BusyWorkers == 1); // sent alone, not in a call with the next
        await executor.SubmitAsync(new HoldRequest(key, gate));

        var report = await executor.ShutdownAsync(ShutdownMode.Drain, TimeSpan.FromMilliseconds(200));
        Assert.True(report.TimedOut);
        Assert.Single(report.Unprocessed);
        Gates.Open(gate);
    }

    [Fact]
    public async Task Requests_for_handlers_no_silo_registered_fail_with_an_explanation()
    {
        var engine = new ClusterExecutorEngine(_fixture.Cluster.Client, "Not.Registered", null, this);
        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            engine.InvokeAsync(new ClusterCall(0, "Anything", true, "key", Array.Empty<object?>())));
        Assert.Contains("Not.Registered", exception.Message);
        await engine.ShutdownAsync();
    }

    [Fact]
    public async Task A_redelivered_request_is_answered_from_the_persisted_mark_even_after_its_grain_was_deactivated()
    {
        string key = NewKey();
        var grain = GrainCalls.RecordingGrain(_fixture.Cluster.Client, key);
        var client = Guid.NewGuid();
        var step = GrainCalls.Step(client, key, sequence: 7, index: 0);

        var first = await grain.ExecuteAsync(step);
        Assert.False(first.Replayed);
        Assert.Equal(1, first.Result);

        // Every activation is collected, so the next call finds the mark in storage, not in memory.
        await _fixture.Cluster.Client.GetGrain<global::Orleans.Runtime.IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var redelivered = await grain.ExecuteAsync(step);
        Assert.True(redelivered.Replayed);
        Assert.Equal(1, redelivered.Result);
        var older = await grain.ExecuteAsync(step with { Sequence = 3 });
        Assert.True(older.Replayed);
        var otherClient = await grain.ExecuteAsync(step with { Client = Guid.NewGuid() });
        Assert.False(otherClient.Replayed);
        Assert.Equal(new[] { 0, 0 }, ExecutionLog.Of(key));
    }

    [Fact]
    public async Task With_one_bucket_keys_share_a_grain_and_run_one_at_a_time()
    {
        string first = NewKey(), second = NewKey();
        string firstGate = Gates.New(), secondGate = Gates.New();
        await using var executor = new HoldingHandlersClusterExecutor(_fixture.Cluster.Client, new ClusterExecutorOptions { BucketCount = 1 });
        var held = executor.InvokeAsync(new HoldRequest(first, firstGate));
        // Running at the grain, not merely sent: two keys' calls may reach the shared grain in either order.
        await Gates.ReachedAsync(firstGate).WaitAsync(s_timeout);
        var blocked = executor.InvokeAsync(new HoldRequest(second, secondGate));
        Gates.Open(secondGate);

        // Without buckets the second key would run now on its own grain; in the shared, non-reentrant grain it waits.
        await Task.Delay(300);
        Assert.False(blocked.IsCompleted);
        Gates.Open(firstGate);
        Assert.Equal(first, await held.WaitAsync(s_timeout));
        Assert.Equal(second, await blocked.WaitAsync(s_timeout));
    }

    [Fact]
    public async Task Without_buckets_a_held_key_does_not_delay_another()
    {
        string gate = Gates.New();
        await using var executor = new HoldingHandlersClusterExecutor(_fixture.Cluster.Client);
        var held = executor.InvokeAsync(new HoldRequest(NewKey(), gate));
        string other = NewKey();
        var otherGate = Gates.New();
        Gates.Open(otherGate);
        Assert.Equal(other, await executor.InvokeAsync(new HoldRequest(other, otherGate)).WaitAsync(s_timeout));
        Assert.False(held.IsCompleted);
        Gates.Open(gate);
        await held.WaitAsync(s_timeout);
    }

    [Fact]
    public async Task Arguments_Orleans_cannot_serialize_fail_at_once_without_redelivery()
    {
        var engine = new ClusterExecutorEngine(_fixture.Cluster.Client, RecordingHandlersClusterExecutor.ExecutorName, null, this);
        await Assert.ThrowsAnyAsync<global::Orleans.Serialization.SerializerException>(() =>
            engine.InvokeAsync(new ClusterCall(1, "Step", true, "key", new object?[] { new NotSerializable() })));
        var metrics = engine.GetMetrics();
        Assert.Equal(0, metrics.Retried);
        Assert.Equal(1, metrics.DeadLettered);
        await engine.ShutdownAsync();
    }

    private sealed class NotSerializable
    {
    }

    private static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + s_timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(10);
        }
    }

}
