using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace ExecutorGen.Runtime;

/// <summary>The engine's life: Running → Draining or Cancelling (intake closed) → Stopped.</summary>
internal enum EngineState
{
    Running,
    Draining,
    Cancelling,
    Stopped,
}

public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher>
{
    private readonly List<UnprocessedRequest> _unprocessed = new(); // guarded by _lock
    private readonly Timer _timer;
    private EngineState _state; // guarded by _lock
    private TaskCompletionSource<ShutdownReport>? _shutdown;

    /// <summary>Whether every worker loop has ended (for tests of clean shutdown).</summary>
    internal bool WorkersStopped
    {
        get
        {
            lock (_lock)
                return _workers.TrueForAll(worker => worker.Completion.IsCompleted);
        }
    }

    /// <summary>
    /// Stops the executor. New requests are refused from the first call on (waiting submitters too).
    /// <see cref="ShutdownMode.Drain"/> runs every accepted request; <see cref="ShutdownMode.Cancel"/> cancels
    /// the token of running handlers and returns every accepted request that has not started. Idempotent:
    /// later calls return the first call's report, whatever their arguments.
    /// </summary>
    /// <param name="mode">Drain or Cancel.</param>
    /// <param name="timeout">
    /// How long to wait for the workers; <see langword="null"/> or <see cref="Timeout.InfiniteTimeSpan"/>
    /// waits as long as it takes. When it runs out, running handlers are cancelled, queued requests become
    /// unprocessed, and the report says <see cref="ShutdownReport.TimedOut"/>.
    /// </param>
    public Task<ShutdownReport> ShutdownAsync(ShutdownMode mode = ShutdownMode.Drain, TimeSpan? timeout = null)
    {
        if (mode is not (ShutdownMode.Drain or ShutdownMode.Cancel))
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown ShutdownMode.");
        if (timeout is { } limit && limit < TimeSpan.Zero && limit != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be non-negative or infinite.");

        var mine = new TaskCompletionSource<ShutdownReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Interlocked.CompareExchange(ref _shutdown, mine, null);
        if (first is not null)
            return first.Task;
        _ = CompleteShutdownAsync(mine, mode, timeout);
        return mine.Task;
    }

    private async Task CompleteShutdownAsync(TaskCompletionSource<ShutdownReport> result, ShutdownMode mode, TimeSpan? timeout)
    {
        try
        {
            result.TrySetResult(await ShutdownCoreAsync(mode, timeout).ConfigureAwait(false));
        }
        catch (Exception exception)
        {
            result.TrySetException(exception);
        }
    }

    private async Task<ShutdownReport> ShutdownCoreAsync(ShutdownMode mode, TimeSpan? timeout)
    {
        var toCancel = new List<IRequestCompletion>();
        SubmitWaiter<TKey, TEnvelope>[] refused;
        Task workers;
        lock (_lock)
        {
            // From here on admission answers Closed, and no replacement worker starts.
            _state = mode == ShutdownMode.Cancel ? EngineState.Cancelling : EngineState.Draining;
            refused = new SubmitWaiter<TKey, TEnvelope>[_waiters.Count];
            _waiters.CopyTo(refused, 0);
            _waiters.Clear();
            if (mode == ShutdownMode.Cancel)
                RemoveAllQueuedLocked(toCancel);
            WakeAllIfStoppingAndDoneLocked();
            workers = Task.WhenAll(_workers.ConvertAll(worker => worker.Completion));
        }
        foreach (var waiter in refused)
        {
            CountRejected(waiter.Envelope);
            waiter.Fail(new RequestRejectedException(RejectionReason.ShuttingDown)); // last use: its caller may re-use it
        }
        if (mode == ShutdownMode.Cancel)
            CancelHandlers(toCancel);

        bool timedOut = false;
        if (timeout is { } limit && limit != Timeout.InfiniteTimeSpan)
        {
            using var delayCancellation = new CancellationTokenSource();
            var first = await Task.WhenAny(workers, Task.Delay(limit, delayCancellation.Token)).ConfigureAwait(false);
            delayCancellation.Cancel();
            if (first != workers)
            {
                // Escalate: nothing queued starts any more, running handlers are asked to stop.
                timedOut = true;
                lock (_lock)
                {
                    _state = EngineState.Cancelling;
                    RemoveAllQueuedLocked(toCancel);
                }
                CancelHandlers(toCancel);
            }
        }
        else
        {
            await workers.ConfigureAwait(false);
        }

        ShutdownReport report;
        lock (_lock)
        {
            // What is left is held by paused keys (a drain does not resume them).
            RemoveAllQueuedLocked(toCancel);
            _state = EngineState.Stopped;
            _backpressure.Clear();
            _queueFillHolds = false;
            PublishBackpressureLocked();
            report = new ShutdownReport(Volatile.Read(ref _completed), _unprocessed.ToArray(), timedOut);
        }
        foreach (var completion in toCancel)
            completion.TrySetCanceled();
        await _timer.DisposeAsync().ConfigureAwait(false);
        _telemetry.Unregister(this);
        return report;
    }

    private void CancelHandlers(List<IRequestCompletion> toCancel)
    {
        try
        {
            _handlersCancelled.Cancel();
        }
        catch (AggregateException)
        {
            // A callback a handler registered on its token threw; that must not stop the shutdown.
        }
        foreach (var completion in toCancel)
            completion.TrySetCanceled();
        toCancel.Clear();
    }

    /// <summary>Moves every queued request into the unprocessed list; their callers' tasks are cancelled by the caller.</summary>
    private void RemoveAllQueuedLocked(List<IRequestCompletion> toCancel)
    {
        // Oldest first, so each lane gives up its requests from the head, in order.
        for (var request = _oldest; request is not null;)
        {
            var next = request.Newer;
            _unprocessed.Add(new UnprocessedRequest(
                _dispatcher.GetHandlerName(request.Envelope),
                request.HasKey ? request.Key : null,
                _dispatcher.GetArguments(request.Envelope)));
            if (request.Completion is not null)
                toCancel.Add(request.Completion);
            RemoveQueuedLocked(request);
            request = next;
        }

        foreach (var queue in _ready)
        {
            while (queue.Count > 0)
            {
                var item = queue.Dequeue();
                if (item.Lane is { } lane)
                {
                    lane.State = LaneState.Idle;
                    ReleaseLaneIfUnusedLocked(lane);
                }
                else if (item.Request!.State == RequestState.Removed)
                {
                    RecycleLocked(item.Request);
                }
            }
        }

        // Paused lanes are now empty; they are released unless a request of theirs is still running.
        var paused = new List<Lane>();
        foreach (var lane in _lanes.Values)
        {
            if (lane.Paused)
                paused.Add(lane);
        }
        if (_nullKeyLane is { Paused: true })
            paused.Add(_nullKeyLane);
        foreach (var lane in paused)
        {
            lane.Paused = false;
            ReleaseLaneIfUnusedLocked(lane);
        }
        _pausedKeys = 0;
        OnQueueDepthChangedLocked();
        WakeAllIfStoppingAndDoneLocked();
        AssertInvariantsLocked();
    }

    /// <summary>Once intake is closed and nothing runs, nothing can become ready again: every idle worker ends.</summary>
    private void WakeAllIfStoppingAndDoneLocked()
    {
        if (_state == EngineState.Running || _running != 0)
            return;
        foreach (var idle in _idle)
        {
            while (idle.Count > 0)
                idle.Pop().Signal.Set();
        }
    }

    /// <summary>Puts a request that a faulted worker had taken back at the head of its lane (or ready queue).</summary>
    private void RequeueAtHeadLocked(QueuedRequest request)
    {
        request.State = RequestState.Queued;
        request.Newer = _oldest;
        if (_oldest is null)
            _newest = request;
        else
            _oldest.Older = request;
        _oldest = request;
        _queued++;
        if (_pinned)
            _partitionQueued[request.Partition]++;

        if (request.Lane is { } lane)
        {
            request.NextInLane = lane.Head;
            lane.Head = request;
            if (lane.Tail is null)
                lane.Tail = request;
            lane.Count++;
            lane.State = LaneState.Idle;
            if (lane.Paused)
                return;
            if (_pinned)
                EnqueuePinnedLocked(request, lane.ReadyQueue, first: true);
            else
                MakeReadyLocked(lane);
        }
        else if (_pinned)
        {
            EnqueuePinnedLocked(request, request.Partition, first: true);
        }
        else
        {
            MakeReadyLocked(request);
        }
    }
}
