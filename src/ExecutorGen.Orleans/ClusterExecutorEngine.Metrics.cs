using System;
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
    private long _calls;
    private long _calledRequests;
    private int _busy;
    private readonly LatencyHistogram _queueTime = new();
    private readonly LatencyHistogram _processingTime = new();
    // No timer samples the totals here: GetMetrics stores a sample at most every quarter second, so the rates
    // run over the snapshots of the last five seconds (or since the start).
    private static readonly long s_rateSampleTicks = Stopwatch.Frequency / 4;
    private readonly RateWindow _rates = new(); // under _lock
    private long _lastRateSample; // under _lock

    private readonly QueueFillSignal _queueFill;
    private readonly EventDispatcher _events;
    private BackpressureState _backpressure = BackpressureState.Inactive; // written under _lock

    /// <summary>Occurs when backpressure turns on or off; raised off the submitting and completing threads, in order.</summary>
    public event EventHandler<BackpressureChangedEventArgs>? BackpressureChanged
    {
        add => _events.BackpressureChanged += value;
        remove => _events.BackpressureChanged -= value;
    }

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
    /// <c>Batches</c> counts grain calls (each carries one or more requests of a key, however many attempts it took) and
    /// <c>BatchedRequests</c> the requests they carried: their ratio is the mean call size.
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
            state = _state == ExecutorState.Running && _paused ? ExecutorState.Paused : _state;
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
            Batches = Volatile.Read(ref _calls),
            BatchedRequests = Volatile.Read(ref _calledRequests),
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

    /// <summary>Raises queue fill on an admission that reaches the high watermark (see <see cref="QueueFillSignal"/>).</summary>
    private void RaiseQueueFillIfReachedLocked()
    {
        if (_backpressure.IsActive || _state != ExecutorState.Running || !_queueFill.Raised(_room.Taken))
            return;
        SetBackpressureLocked(new BackpressureState(BackpressureReason.QueueFill, _room.Taken / (double)_options.Capacity));
    }

    /// <summary>Clears queue fill once it has settled under the low watermark, or when shutdown begins.</summary>
    private void ClearQueueFillIfSettledLocked()
    {
        if (!_backpressure.IsActive || (_state == ExecutorState.Running && !_queueFill.Settled(Stopwatch.GetTimestamp(), _room.Taken)))
            return;
        SetBackpressureLocked(BackpressureState.Inactive);
    }

    private void SetBackpressureLocked(BackpressureState next)
    {
        var previous = _backpressure;
        Volatile.Write(ref _backpressure, next);
        _events.PostBackpressureChanged(previous, next);
    }
}
