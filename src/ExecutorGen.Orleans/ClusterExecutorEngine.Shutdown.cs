using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace ExecutorGen.Orleans;

public sealed partial class ClusterExecutorEngine
{
    private ExecutorState _state = ExecutorState.Running; // guarded by _lock
    private bool _paused; // guarded by _lock
    private readonly List<UnprocessedRequest> _unprocessed = new(); // guarded by _lock
    private TaskCompletionSource<bool>? _idle; // set once shutdown starts; completes when nothing is queued or in flight
    private Task<ShutdownReport>? _shutdown;

    /// <summary>
    /// Stops accepting requests. <see cref="ShutdownMode.Drain"/> sends every queued request and waits for the replies;
    /// <see cref="ShutdownMode.Cancel"/> keeps the queued ones back (they are in the report; their <c>InvokeAsync</c>
    /// tasks are cancelled) and waits for the ones already at the cluster, which cannot be called back. Idempotent.
    /// </summary>
    /// <param name="mode">Drain or Cancel.</param>
    /// <param name="timeout">How long to wait; <see langword="null"/> waits as long as it takes. When it runs out, requests not yet
    /// sent are kept back as under Cancel, and <see cref="ShutdownReport.TimedOut"/> is set.</param>
    /// <returns>Completed requests over the executor's lifetime, and every accepted request that was never sent.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative.</exception>
    public Task<ShutdownReport> ShutdownAsync(ShutdownMode mode = ShutdownMode.Drain, TimeSpan? timeout = null)
    {
        if (timeout < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must not be negative.");
        List<Pending>? keptBack = null;
        List<Waiter>? refused;
        List<Lane>? resumed = null;
        Task<ShutdownReport> shutdown;
        lock (_lock)
        {
            if (_shutdown is not null)
                return _shutdown;
            // A paused executor drains only once resumed; cancelled, its queued requests are kept back as they are.
            if (mode == ShutdownMode.Drain)
                resumed = ResumeLocked();
            _state = ExecutorState.ShuttingDown;
            _idle = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (mode == ShutdownMode.Cancel)
                keptBack = KeepBackQueuedLocked();
            if (_room.Taken == 0)
                _idle.TrySetResult(true);
            refused = TakeWaitersLocked();
            ClearQueueFillIfSettledLocked();
            shutdown = _shutdown = CompleteShutdownAsync(_idle.Task, timeout);
        }
        Refuse(refused);
        CancelKeptBack(keptBack);
        StartPumps(resumed);
        return shutdown;
    }

    /// <summary>
    /// Pauses the executor: calls under way finish, and no request is sent until <see cref="Resume"/>; requests are still
    /// accepted up to the capacity. Once it returns, no request is sent. Nothing happens once shutdown has begun.
    /// </summary>
    public void Pause()
    {
        lock (_lock)
        {
            if (_state == ExecutorState.Running)
                _paused = true;
        }
    }

    /// <summary>Resumes a paused executor: its queued requests are sent again, each key's in order.</summary>
    public void Resume()
    {
        List<Lane>? resumed;
        lock (_lock)
            resumed = ResumeLocked();
        StartPumps(resumed);
    }

    /// <summary>Ends a pause; returns the parked lanes (queued requests, no pump), marked running, for the caller to pump.</summary>
    private List<Lane>? ResumeLocked()
    {
        if (!_paused)
            return null;
        _paused = false;
        List<Lane>? parked = null;
        foreach (var lane in _lanes.Values)
        {
            if (lane.Running || lane.Queue.Count == 0)
                continue;
            lane.Running = true;
            (parked ??= new List<Lane>()).Add(lane);
        }
        return parked;
    }

    /// <summary>Shuts down as <see cref="ShutdownAsync"/> with <see cref="ShutdownMode.Drain"/> and no timeout.</summary>
    public ValueTask DisposeAsync() => new(ShutdownAsync());

    private async Task<ShutdownReport> CompleteShutdownAsync(Task idle, TimeSpan? timeout)
    {
        bool timedOut = false;
        if (timeout is { } limit)
            timedOut = await Task.WhenAny(idle, Task.Delay(limit)).ConfigureAwait(false) != idle;
        else
            await idle.ConfigureAwait(false);

        List<Pending>? keptBack = null;
        IReadOnlyList<UnprocessedRequest> unprocessed;
        lock (_lock)
        {
            if (timedOut)
                keptBack = KeepBackQueuedLocked();
            _state = ExecutorState.Stopped;
            unprocessed = _unprocessed.ToArray();
        }
        CancelKeptBack(keptBack);
        return new ShutdownReport(System.Threading.Volatile.Read(ref _completed), unprocessed, timedOut);
    }

    /// <summary>Takes every queued (not yet sent) request out of its lane into the unprocessed list.</summary>
    private List<Pending> KeepBackQueuedLocked()
    {
        var keptBack = new List<Pending>();
        foreach (var lane in _lanes.Values)
        {
            while (lane.Queue.Count > 0)
            {
                var pending = lane.Queue.Dequeue();
                keptBack.Add(pending);
                ForgetLocked(pending.Key);
                var call = pending.Call;
                _unprocessed.Add(new UnprocessedRequest(call.HandlerName, call.Keyed ? call.Key : null, call.Arguments));
            }
        }
        _queued -= keptBack.Count;
        _room.Release(keptBack.Count);
        if (_room.Taken == 0)
            _idle?.TrySetResult(true);
        return keptBack;
    }

    private static void CancelKeptBack(List<Pending>? keptBack)
    {
        if (keptBack is null)
            return;
        foreach (var pending in keptBack)
        {
            pending.Completion?.TrySetCanceled();
            pending.Stored?.TrySetCanceled();
        }
    }
}
