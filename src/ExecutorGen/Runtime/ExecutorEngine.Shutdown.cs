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
    // Written under _lock, and each scheduler's lock is entered after every write (RemoveAllQueuedLocked,
    // WakeAllIfStoppingAndDoneLocked), so code under a scheduler's lock sees the change from its next acquisition on.
    private EngineState _state;
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
            // A paused executor drains only once resumed; cancelled, its queued requests are reported as they are.
            if (mode == ShutdownMode.Drain)
                SetPausedLocked(false);
            // From here on admission answers Closed, and no replacement worker starts.
            _state = mode == ShutdownMode.Cancel ? EngineState.Cancelling : EngineState.Draining;
            refused = new SubmitWaiter<TKey, TEnvelope>[_waiters.Count];
            _waiters.CopyTo(refused, 0);
            _waiters.Clear();
            foreach (var scheduler in _schedulers)
            {
                lock (scheduler.Sync)
                    scheduler.ClearWaitersLocked();
            }
            if (mode == ShutdownMode.Cancel)
            {
                RemoveAllQueuedLocked(toCancel);
                SetPausedLocked(false); // nothing is left to start but what a faulted worker puts back, which must run
            }
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
            Volatile.Write(ref _queueFillHolds, false);
            PublishBackpressureLocked();
            report = new ShutdownReport(CompletedTotal(), _unprocessed.ToArray(), timedOut);
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

    /// <summary>
    /// Moves every queued request into the unprocessed list, oldest first (the schedulers' lists merged by arrival,
    /// each kept in its own order, which is its keys' order); their callers' tasks are cancelled by the caller.
    /// </summary>
    private void RemoveAllQueuedLocked(List<IRequestCompletion> toCancel)
    {
        var removed = new List<Unstarted>[_schedulers.Length];
        for (int i = 0; i < _schedulers.Length; i++)
        {
            var scheduler = _schedulers[i];
            removed[i] = new List<Unstarted>();
            lock (scheduler.Sync)
            {
                scheduler.RemoveAllQueuedLocked(removed[i]);
                scheduler.AssertInvariantsLocked();
            }
        }

        var next = new int[removed.Length];
        while (true)
        {
            int earliest = -1;
            for (int i = 0; i < removed.Length; i++)
            {
                if (next[i] < removed[i].Count && (earliest < 0 || removed[i][next[i]].EnqueuedAt < removed[earliest][next[earliest]].EnqueuedAt))
                    earliest = i;
            }
            if (earliest < 0)
                break;
            var request = removed[earliest][next[earliest]++];
            _unprocessed.Add(new UnprocessedRequest(
                _dispatcher.GetHandlerName(request.Envelope),
                request.HasKey ? request.Key : null,
                _dispatcher.GetArguments(request.Envelope)));
            if (request.Completion is not null)
                toCancel.Add(request.Completion);
        }
        if (_sharded)
            WakeAllIfAllShardsDrained(); // each shard's own check leaves that to the engine
    }

    /// <summary>Once intake is closed and nothing runs, nothing can become ready again: every idle worker ends.</summary>
    private void WakeAllIfStoppingAndDoneLocked()
    {
        if (_sharded)
        {
            WakeAllIfAllShardsDrained();
            return;
        }
        foreach (var scheduler in _schedulers)
        {
            lock (scheduler.Sync)
                scheduler.WakeAllIfStoppingAndDoneLocked();
        }
    }
}
