using System;
using System.Threading;

namespace ExecutorGen.Runtime;

public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher>
{
    private readonly LatencyHistogram _queueTime = new();
    private readonly LatencyHistogram _processingTime = new();
    private readonly RateMeter _arrivals = new();
    private readonly RateMeter _completions = new();
    private readonly BackpressureNotifier _notifier;
    private readonly double _highWatermark;
    private readonly double _lowWatermark;

    private long _submitted;
    private long _completed;
    private long _failed;
    private long _rejected;
    private long _retried;
    private long _deadLettered;
    private long _cancelled;
    private long _deadLetterSinkFailures;
    private long _queued;
    private int _busy;
    private int _queueFillActive;
    private readonly object _backpressureLock = new();

    /// <summary>Raised, on a thread-pool thread and in order, when <see cref="Backpressure"/> turns on or off.</summary>
    public event EventHandler<BackpressureChangedEventArgs>? BackpressureChanged
    {
        add => _notifier.Changed += value;
        remove => _notifier.Changed -= value;
    }

    /// <summary>The current backpressure state.</summary>
    public BackpressureState Backpressure => CurrentBackpressure(Volatile.Read(ref _queueFillActive) == 1);

    /// <summary>A snapshot of the executor's counters, gauges and per-worker figures.</summary>
    public ExecutorMetrics GetMetrics()
    {
        var workers = new WorkerMetrics[_workers.Length];
        for (int i = 0; i < workers.Length; i++)
            workers[i] = _workers[i].Snapshot();

        // Outcomes are read before Submitted so that a snapshot never shows more finished than accepted.
        long completed = Volatile.Read(ref _completed);
        long deadLettered = Volatile.Read(ref _deadLettered);
        long cancelled = Volatile.Read(ref _cancelled);
        return new ExecutorMetrics
        {
            Completed = completed,
            DeadLettered = deadLettered,
            Cancelled = cancelled,
            Failed = Volatile.Read(ref _failed),
            Retried = Volatile.Read(ref _retried),
            Rejected = Volatile.Read(ref _rejected),
            Dropped = 0, // nothing is shed until the drop modes exist (ExecutorOptions.Validate refuses them)
            DeadLetterSinkFailures = Volatile.Read(ref _deadLetterSinkFailures),
            Submitted = Volatile.Read(ref _submitted),
            QueueDepth = Math.Max(0, Volatile.Read(ref _queued)),
            Capacity = _capacity,
            WorkerCount = _workers.Length,
            BusyWorkers = Math.Max(0, Volatile.Read(ref _busy)),
            Workers = workers,
            QueueTime = _queueTime.Summarize(),
            ProcessingTime = _processingTime.Summarize(),
            ArrivalRate = _arrivals.PerSecond(),
            CompletionRate = _completions.PerSecond(),
            Backpressure = Backpressure,
        };
    }

    /// <summary>
    /// Queue-fill backpressure with hysteresis: on at the high watermark, off only under the low one.
    /// The hot path only reads a flag; a transition takes a lock so that each is announced exactly once
    /// and the announcements are queued in the order the transitions happened.
    /// </summary>
    private void OnQueueDepthChanged(long depth)
    {
        if (depth >= _highWatermark)
        {
            if (Volatile.Read(ref _queueFillActive) == 0)
                SetQueueFill(active: true);
        }
        else if (depth < _lowWatermark && Volatile.Read(ref _queueFillActive) == 1)
        {
            SetQueueFill(active: false);
        }
    }

    private void SetQueueFill(bool active)
    {
        lock (_backpressureLock)
        {
            // Re-checked under the lock: the depth may have moved back since the caller looked.
            long depth = Volatile.Read(ref _queued);
            bool wanted = active ? depth >= _highWatermark && !_stopped : depth < _lowWatermark || _stopped;
            if (!wanted || (_queueFillActive == 1) == active)
                return;
            Volatile.Write(ref _queueFillActive, active ? 1 : 0);
            _notifier.Post(CurrentBackpressure(!active), CurrentBackpressure(active));
        }
    }

    /// <summary>After shutdown backpressure is off for good.</summary>
    private void ClearBackpressure() => SetQueueFill(active: false);

    private BackpressureState CurrentBackpressure(bool queueFill) =>
        new(queueFill ? BackpressureReason.QueueFill : BackpressureReason.None, Math.Max(0, Volatile.Read(ref _queued)) / (double)_capacity);
}
