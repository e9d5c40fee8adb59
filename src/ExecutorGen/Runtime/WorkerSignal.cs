using System;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace ExecutorGen.Runtime;

/// <summary>
/// Wakes one idle worker. The engine sets it at most once per idle registration (both under its lock),
/// so a wake-up can be neither lost nor doubled. Async workers await a reusable, allocation-free value
/// task; dedicated-thread workers block on an event, so waking them never needs a thread-pool thread.
/// </summary>
internal sealed class WorkerSignal : IValueTaskSource
{
    private readonly ManualResetEventSlim? _event;
    private ManualResetValueTaskSourceCore<bool> _core;

    public WorkerSignal(bool blocking)
    {
        if (blocking)
            _event = new ManualResetEventSlim(false);
        else
            _core.RunContinuationsAsynchronously = true; // a waker never runs the worker's loop inline
    }

    public void Set()
    {
        if (_event is not null)
            _event.Set();
        else
            _core.SetResult(true);
    }

    /// <summary>For async workers: completes once <see cref="Set"/> has been called.</summary>
    public ValueTask WaitAsync() => new(this, _core.Version);

    /// <summary>For dedicated-thread workers: blocks until <see cref="Set"/> has been called.</summary>
    public void Wait()
    {
        _event!.Wait();
        _event.Reset();
    }

    /// <summary>
    /// Takes back a wake-up that was set while the worker did not wait for it (it found work after registering
    /// as idle, and was woken meanwhile), so that the next <see cref="Set"/> finds the signal clear.
    /// </summary>
    public void ConsumeSet()
    {
        if (_event is not null)
        {
            _event.Reset();
            return;
        }
        _core.GetResult(_core.Version);
        _core.Reset();
    }

    void IValueTaskSource.GetResult(short token)
    {
        _core.GetResult(token);
        _core.Reset();
    }

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
