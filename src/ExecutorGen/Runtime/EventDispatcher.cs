using System;
using System.Collections.Concurrent;
using System.Threading;

namespace ExecutorGen.Runtime;

/// <summary>
/// Raises an executor's events off the hot path: notifications are queued and delivered in order by at
/// most one thread-pool work item at a time, never on a submitting or worker thread and never while an
/// engine lock is held. A subscriber that throws is isolated from the others and from the engine.
/// </summary>
internal sealed class EventDispatcher
{
    private readonly ConcurrentQueue<Action> _pending = new();
    private readonly object _sender;
    private EventHandler<BackpressureChangedEventArgs>? _backpressureChanged;
    private EventHandler<WorkerStuckEventArgs>? _workerStuck;
    private EventHandler<AttemptFailedEventArgs>? _attemptFailed;
    private int _draining;

    public EventDispatcher(object sender) => _sender = sender;

    public event EventHandler<BackpressureChangedEventArgs>? BackpressureChanged
    {
        add => Subscribe(ref _backpressureChanged, value);
        remove => Unsubscribe(ref _backpressureChanged, value);
    }

    public event EventHandler<WorkerStuckEventArgs>? WorkerStuck
    {
        add => Subscribe(ref _workerStuck, value);
        remove => Unsubscribe(ref _workerStuck, value);
    }

    public event EventHandler<AttemptFailedEventArgs>? AttemptFailed
    {
        add => Subscribe(ref _attemptFailed, value);
        remove => Unsubscribe(ref _attemptFailed, value);
    }

    /// <summary>Whether anyone listens for failed attempts (so the engine builds no event data otherwise).</summary>
    public bool HasAttemptFailedSubscribers => Volatile.Read(ref _attemptFailed) is not null;

    public void PostAttemptFailed(AttemptFailedEventArgs args) => Post(() => Raise(Volatile.Read(ref _attemptFailed), args));

    public void PostBackpressureChanged(BackpressureState previous, BackpressureState current)
    {
        var args = new BackpressureChangedEventArgs(previous, current);
        Post(() => Raise(Volatile.Read(ref _backpressureChanged), args));
    }

    public void PostWorkerStuck(WorkerStuckEventArgs args) => Post(() => Raise(Volatile.Read(ref _workerStuck), args));

    private void Post(Action raise)
    {
        _pending.Enqueue(raise);
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(static self => self.Drain(), this, preferLocal: false);
    }

    private void Drain()
    {
        while (true)
        {
            while (_pending.TryDequeue(out var raise))
                raise();

            Volatile.Write(ref _draining, 0);
            // A notification posted after the queue looked empty but before the flag cleared would otherwise wait forever.
            if (_pending.IsEmpty || Interlocked.CompareExchange(ref _draining, 1, 0) != 0)
                return;
        }
    }

    private void Raise<TArgs>(EventHandler<TArgs>? handlers, TArgs args)
    {
        if (handlers is null)
            return;
        foreach (EventHandler<TArgs> handler in handlers.GetInvocationList())
        {
            try
            {
                handler(_sender, args);
            }
            catch (Exception)
            {
                // A subscriber's failure is its own; the engine and the other subscribers carry on.
            }
        }
    }

    private static void Subscribe<TArgs>(ref EventHandler<TArgs>? field, EventHandler<TArgs>? value)
    {
        EventHandler<TArgs>? current = Volatile.Read(ref field), seen;
        do
        {
            seen = current;
            current = Interlocked.CompareExchange(ref field, (EventHandler<TArgs>?)Delegate.Combine(seen, value), seen);
        }
        while (current != seen);
    }

    private static void Unsubscribe<TArgs>(ref EventHandler<TArgs>? field, EventHandler<TArgs>? value)
    {
        EventHandler<TArgs>? current = Volatile.Read(ref field), seen;
        do
        {
            seen = current;
            current = Interlocked.CompareExchange(ref field, (EventHandler<TArgs>?)Delegate.Remove(seen, value), seen);
        }
        while (current != seen);
    }
}
