using System;
using System.Collections.Concurrent;
using System.Threading;

namespace ExecutorGen.Runtime;

/// <summary>
/// Raises <c>BackpressureChanged</c> off the hot path: transitions are queued and delivered in order
/// by at most one thread-pool work item at a time, never on a submitting or worker thread and never
/// while an engine lock is held. A subscriber that throws is isolated from the others and the engine.
/// </summary>
internal sealed class BackpressureNotifier
{
    private readonly ConcurrentQueue<BackpressureChangedEventArgs> _pending = new();
    private readonly object? _sender;
    private EventHandler<BackpressureChangedEventArgs>? _handlers;
    private int _draining;

    public BackpressureNotifier(object? sender) => _sender = sender;

    public event EventHandler<BackpressureChangedEventArgs>? Changed
    {
        add
        {
            EventHandler<BackpressureChangedEventArgs>? current = Volatile.Read(ref _handlers), seen;
            do
            {
                seen = current;
                current = Interlocked.CompareExchange(ref _handlers, (EventHandler<BackpressureChangedEventArgs>?)Delegate.Combine(seen, value), seen);
            }
            while (current != seen);
        }
        remove
        {
            EventHandler<BackpressureChangedEventArgs>? current = Volatile.Read(ref _handlers), seen;
            do
            {
                seen = current;
                current = Interlocked.CompareExchange(ref _handlers, (EventHandler<BackpressureChangedEventArgs>?)Delegate.Remove(seen, value), seen);
            }
            while (current != seen);
        }
    }

    public void Post(BackpressureState previous, BackpressureState current)
    {
        _pending.Enqueue(new BackpressureChangedEventArgs(previous, current));
        if (Interlocked.CompareExchange(ref _draining, 1, 0) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(static self => self.Drain(), this, preferLocal: false);
    }

    private void Drain()
    {
        while (true)
        {
            while (_pending.TryDequeue(out var args))
                Raise(args);

            Volatile.Write(ref _draining, 0);
            // A transition posted after the queue looked empty but before the flag cleared would otherwise wait forever.
            if (_pending.IsEmpty || Interlocked.CompareExchange(ref _draining, 1, 0) != 0)
                return;
        }
    }

    private void Raise(BackpressureChangedEventArgs args)
    {
        var handlers = Volatile.Read(ref _handlers);
        if (handlers is null)
            return;
        foreach (EventHandler<BackpressureChangedEventArgs> handler in handlers.GetInvocationList())
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
}
