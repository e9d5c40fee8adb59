using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading;
using ExecutorGen.Runtime;

namespace ExecutorGen.Orleans;

public sealed partial class ClusterExecutorEngine
{
    // Counters are written with Interlocked (or under _lock where admission decides them) and read with Volatile.
    private long _submitted; // under _lock
    private long _completed;
    private long _failed;
    private long _rejected;
    private long _redelivered;
    private long _replayed;
    private long _deadLettered;
    private long _deadLetterSinkFailures;
    private int _busy;
    private readonly LatencyHistogram _queueTime = new();
    private readonly LatencyHistogram _processingTime = new();
    // No timer samples the totals here: GetMetrics stores a sample at most every quarter second, so the rates
    // run over the snapshots of the last five seconds (or since the start).
    private static readonly long s_rateSampleTicks = Stopwatch.Frequency / 4;
    private readonly RateWindow _rates = new(); // under _lock
    private long _lastRateSample; // under _lock

    private BackpressureState _backpressure = BackpressureState.Inactive; // written under _lock
    private readonly ConcurrentQueue<BackpressureChangedEventArgs> _pendingEvents = new();
    private int _raisingEvents;

    /// <summary>Occurs when backpressure turns on or off; raised off the submitting and completing threads, in order.</summary>
    public event EventHandler<BackpressureChangedEventArgs>? BackpressureChanged;

    /// <summary>The current backpressure state: active while accepted and unfinished requests fill
    /// <see cref="ClusterExecutorOptions.HighWatermark"/> of the capacity, until they fall under the low watermark.</summary>
    public BackpressureState Backpressure => Volatile.Read(ref _backpressure);

    /// <summary>Redeliveries answered by the grain from its de-duplication mark (the request had run; only its reply was lost).</summary>
    public long Replayed => Volatile.Read(ref _replayed);

    /// <summary>
    /// A snapshot in the in-process executor's terms. <c>QueueDepth</c> counts requests not yet sent; <c>WorkerCount</c> is
    /// <see cref="ClusterExecutorOptions.MaxConcurrentCalls"/> and <c>BusyWorkers</c> the grain calls in flight;
    /// <c>Retried</c> counts redeliveries and <c>Failed</c> failed calls plus handler failures; <c>QueueTime</c> runs from
    /// acceptance to the first send, <c>ProcessingTime</c> from there to the reply (redeliveries included).
    /// </summary>
    public ExecutorMetrics GetMetrics()
    {
        long submitted;
        int queued;
        ExecutorState state;
        (double Arrivals, double Completions) rates;
        // Outcomes are read once, before Submitted (as in-process), so that a snapshot never shows more finished than accepted.
        long completed = Volatile.Read(ref _completed);
        long deadLettered = Volatile.Read(ref _deadLettered);
        lock (_lock)
        {
            submitted = _submitted;
            queued = _queued;
            state = _state;
            long now = Stopwatch.GetTimestamp();
            long finished = completed + deadLettered;
            rates = _rates.PerSecond(now, submitted, finished);
            if (now - _lastRateSample >= s_rateSampleTicks)
            {
                _rates.Sample(now, submitted, finished);
                _lastRateSample = now;
            }
        }
        int busy = Volatile.Read(ref _busy);
        return new ExecutorMetrics
        {
            Submitted = submitted,
            Completed = completed,
            Failed = Volatile.Read(ref _failed),
            Rejected = Volatile.Read(ref _rejected),
            Retried = Volatile.Read(ref _redelivered),
            DeadLettered = deadLettered,
            DeadLetterSinkFailures = Volatile.Read(ref _deadLetterSinkFailures),
            QueueDepth = queued,
            Capacity = _options.Capacity,
            WorkerCount = _options.MaxConcurrentCalls,
            BusyWorkers = busy,
            QueueTime = _queueTime.Summarize(),
            ProcessingTime = _processingTime.Summarize(),
            ArrivalRate = rates.Arrivals,
            CompletionRate = rates.Completions,
            Backpressure = Backpressure,
            State = state,
        };
    }

    /// <summary>Re-judges queue fill with hysteresis; a change is queued as an event, raised by <see cref="RaisePendingEvents"/>.</summary>
    private void EvaluateBackpressureLocked()
    {
        double fill = _admitted / (double)_options.Capacity;
        bool active = _backpressure.IsActive ? fill > _options.LowWatermark : fill >= _options.HighWatermark;
        if (active && _state == ExecutorState.Running && !_backpressure.IsActive)
            SetBackpressureLocked(new BackpressureState(BackpressureReason.QueueFill, fill));
        else if ((!active || _state != ExecutorState.Running) && _backpressure.IsActive)
            SetBackpressureLocked(BackpressureState.Inactive);
    }

    private void SetBackpressureLocked(BackpressureState next)
    {
        var previous = _backpressure;
        Volatile.Write(ref _backpressure, next);
        _pendingEvents.Enqueue(new BackpressureChangedEventArgs(previous, next));
    }

    /// <summary>Raises queued events on the thread pool, one raiser at a time, so handlers see changes in order and
    /// never run under the lock or on a submitter's thread.</summary>
    private void RaisePendingEvents()
    {
        if (_pendingEvents.IsEmpty || Interlocked.CompareExchange(ref _raisingEvents, 1, 0) != 0)
            return;
        ThreadPool.UnsafeQueueUserWorkItem(static engine =>
        {
            while (true)
            {
                while (engine._pendingEvents.TryDequeue(out var args))
                {
                    try
                    {
                        engine.BackpressureChanged?.Invoke(engine._sender, args);
                    }
                    catch (Exception)
                    {
                        // A subscriber's exception must not stop later events; the in-process executor does the same.
                    }
                }
                Volatile.Write(ref engine._raisingEvents, 0);
                if (engine._pendingEvents.IsEmpty || Interlocked.CompareExchange(ref engine._raisingEvents, 1, 0) != 0)
                    return;
            }
        }, this, preferLocal: false);
    }
}
