using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;

namespace ExecutorGen.Runtime;

public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher>
{
    private const int HotKeyCount = 5;

    private readonly RateWindow _rates = new(); // guarded by _lock
    private readonly BackpressureMonitor _backpressure;
    private readonly EventDispatcher _events;

    private long _failed;
    private long _rejected;
    private long _dropped;
    private long _retried;
    private long _deadLettered;
    private long _cancelled;
    private long _deadLetterSinkFailures;
    private bool _queueFillHolds; // written under _lock; read without it to skip the raise check
    private BackpressureState _backpressureState = BackpressureState.Inactive; // replaced under _lock

    /// <summary>Raised, on a thread-pool thread and in order, when <see cref="Backpressure"/> turns on or off or its reasons change.</summary>
    public event EventHandler<BackpressureChangedEventArgs>? BackpressureChanged
    {
        add => _events.BackpressureChanged += value;
        remove => _events.BackpressureChanged -= value;
    }

    /// <summary>Raised, on a thread-pool thread, when a handler has run longer than <see cref="ExecutorOptions.StuckAfter"/>.</summary>
    public event EventHandler<WorkerStuckEventArgs>? WorkerStuck
    {
        add => _events.WorkerStuck += value;
        remove => _events.WorkerStuck -= value;
    }

    /// <summary>
    /// Raised, on a thread-pool thread and in order, for every failed attempt of a request (before its retry,
    /// or before it is dead-lettered when <see cref="AttemptFailedEventArgs.WillRetry"/> is false).
    /// </summary>
    public event EventHandler<AttemptFailedEventArgs>? AttemptFailed
    {
        add => _events.AttemptFailed += value;
        remove => _events.AttemptFailed -= value;
    }

    /// <summary>The current backpressure state (its queue fill is the current one).</summary>
    public BackpressureState Backpressure =>
        Volatile.Read(ref _backpressureState) with { QueueFill = QueuedTotal() / (double)_capacity };

    /// <summary>A snapshot of the executor's counters, gauges, per-worker figures and hot keys.</summary>
    public ExecutorMetrics GetMetrics()
    {
        WorkerMetrics[] workers;
        KeyBacklog[] hotKeys;
        int stuck, paused, busy;
        ExecutorState state;
        (double Arrivals, double Completions) rates;
        var queueTime = new LatencyHistogram();
        var processingTime = new LatencyHistogram();
        lock (_lock)
        {
            SweepRetiredWorkersLocked();
            MergeQueueTimesLocked(queueTime);
            _retiredProcessingTime.AddTo(processingTime);
            foreach (var worker in _workers)
                worker.ProcessingTime.AddTo(processingTime);
            rates = _rates.PerSecond(Stopwatch.GetTimestamp(), SubmittedTotal(), FinishedTotal());
            state = _state switch
            {
                EngineState.Running => _paused ? ExecutorState.Paused : ExecutorState.Running,
                EngineState.Stopped => ExecutorState.Stopped,
                _ => ExecutorState.ShuttingDown,
            };
            workers = new WorkerMetrics[_workers.Count];
            stuck = 0;
            for (int i = 0; i < workers.Length; i++)
            {
                workers[i] = _workers[i].Snapshot();
                if (_workers[i].IsStuck)
                    stuck++;
            }
            Array.Sort(workers, static (a, b) => a.Id.CompareTo(b.Id)); // SetWorkerCount re-uses the ids of retired workers
            hotKeys = HotKeysLocked();
            paused = (int)Total(static scheduler => scheduler.PausedKeyCount);
            busy = RunningTotal();
        }

        // Outcomes are read before Submitted so that a snapshot never shows more finished than accepted.
        long completed = CompletedTotal();
        long deadLettered = Volatile.Read(ref _deadLettered);
        long cancelled = Volatile.Read(ref _cancelled);
        long dropped = Volatile.Read(ref _dropped);
        return new ExecutorMetrics
        {
            Completed = completed,
            DeadLettered = deadLettered,
            Cancelled = cancelled,
            Dropped = dropped,
            Failed = Volatile.Read(ref _failed),
            TimedOut = Volatile.Read(ref _timedOut),
            Retried = Volatile.Read(ref _retried),
            Batches = Volatile.Read(ref _batches),
            BatchedRequests = Volatile.Read(ref _batchedRequests),
            Rejected = Volatile.Read(ref _rejected),
            DeadLetterSinkFailures = Volatile.Read(ref _deadLetterSinkFailures),
            Submitted = SubmittedTotal(),
            QueueDepth = QueuedTotal(),
            Capacity = _capacity,
            WorkerCount = _workerCount,
            BusyWorkers = busy,
            StuckWorkers = stuck,
            WorkerRestarts = Volatile.Read(ref _workerRestarts),
            PausedKeys = paused,
            HotKeys = hotKeys,
            Workers = workers,
            QueueTime = queueTime.Summarize(),
            ProcessingTime = processingTime.Summarize(),
            ArrivalRate = rates.Arrivals,
            CompletionRate = rates.Completions,
            Backpressure = Backpressure,
            State = state,
        };
    }

    /// <summary>
    /// Adds every worker's queue times (each records its own, outside the lock) into <paramref name="into"/>, those of
    /// workers SetWorkerCount retired included, so the sum only grows.
    /// </summary>
    private void MergeQueueTimesLocked(LatencyHistogram into)
    {
        _retiredQueueTime.AddTo(into);
        foreach (var worker in _workers)
            worker.QueueTime.AddTo(into);
    }

    /// <summary>Requests that ran to an outcome: the completion side of the arrival and completion rates.</summary>
    private long FinishedTotal() => CompletedTotal() + Volatile.Read(ref _deadLettered) + Volatile.Read(ref _cancelled);

    // The schedulers count what changes under their locks; these totals add them up without locks. Submitted and
    // completed only grow, so reading the outcomes first keeps a snapshot from showing more finished than accepted.
    private long SubmittedTotal() => Total(static scheduler => scheduler.SubmittedCount);

    private long CompletedTotal() => Total(static scheduler => scheduler.CompletedCount);

    private int QueuedTotal() => (int)Total(static scheduler => scheduler.QueuedCount);

    private int RunningTotal() => (int)Total(static scheduler => scheduler.RunningCount);

    private long Total(Func<Scheduler, long> count)
    {
        long total = 0;
        foreach (var scheduler in _schedulers)
            total += count(scheduler);
        return total;
    }

    /// <summary>
    /// The keys with the longest backlogs, counted over the queued requests when a snapshot asks (keyed requests
    /// need not have lanes: see _keyedLanes). Unordered executors have no key backlogs.
    /// </summary>
    private KeyBacklog[] HotKeysLocked()
    {
        if (_ordering == Ordering.Unordered)
            return Array.Empty<KeyBacklog>();
        var backlogs = new KeyBacklogCounter();
        foreach (var scheduler in _schedulers)
        {
            lock (scheduler.Sync)
                scheduler.CountKeysLocked(backlogs);
        }
        return backlogs.Longest(HotKeyCount);
    }

    /// <summary>Queued requests per key, counted for a snapshot's hot keys; the null key apart (a dictionary cannot hold it).</summary>
    private sealed class KeyBacklogCounter
    {
#pragma warning disable CS8714 // a null key never reaches the dictionary: it is counted apart
        private readonly Dictionary<TKey, int> _counts = new();
#pragma warning restore CS8714
        private int _nullKeys;

        public void Add(bool hasKey, TKey key)
        {
            if (!hasKey)
                return;
            if (IsNull(key))
                _nullKeys++;
            else
                _counts[key] = _counts.TryGetValue(key, out int count) ? count + 1 : 1;
        }

        public KeyBacklog[] Longest(int count)
        {
            var backlogs = _counts.Select(entry => new KeyBacklog(entry.Key, entry.Value));
            if (_nullKeys > 0)
                backlogs = backlogs.Append(new KeyBacklog(null, _nullKeys));
            return backlogs.OrderByDescending(backlog => backlog.Queued).Take(count).ToArray();
        }
    }

    /// <summary>
    /// After an admission: if its scheduler has reached its share of the high watermark and queue fill is not raised
    /// yet, adds the queues up and raises it at the high watermark (the hot path reads two numbers only).
    /// </summary>
    private void RaiseQueueFillIfReached(Scheduler scheduler)
    {
        if (scheduler.QueuedCount < scheduler.FillMark || Volatile.Read(ref _queueFillHolds))
            return;
        lock (_lock)
            RaiseQueueFillIfOverLocked();
    }

    /// <summary>
    /// Raises queue fill when the queues add up to the high watermark. Called after admissions that may have reached
    /// it, and on the timer, which also catches a crossing made by a scheduler still under its own share.
    /// Clearing is judged on the timer alone (<see cref="QueueFillSignal.Settled"/>).
    /// </summary>
    private void RaiseQueueFillIfOverLocked()
    {
        if (_queueFillHolds || _state == EngineState.Stopped || !_backpressure.QueueFill.Raised(QueuedTotal()))
            return;
        Volatile.Write(ref _queueFillHolds, true);
        PublishBackpressureLocked();
    }

    /// <summary>Builds the state from the current reasons and announces it if the reasons changed.</summary>
    private void PublishBackpressureLocked()
    {
        var reasons = _backpressure.TimedReasons | (_queueFillHolds ? BackpressureReason.QueueFill : BackpressureReason.None);
        var previous = _backpressureState;
        var current = new BackpressureState(
            reasons,
            QueuedTotal() / (double)_capacity,
            _backpressure.QueueTimeP99,
            _backpressure.Saturation,
            _backpressure.ArrivalRate,
            _backpressure.CompletionRate);
        Volatile.Write(ref _backpressureState, current);
        if (previous.Reasons != reasons)
            _events.PostBackpressureChanged(previous, current);
    }

    private Timer StartTimer()
    {
        var interval = _backpressure.SampleInterval;
        if (_stuckAfter is { } stuckAfter && stuckAfter.Ticks / 4 < interval.Ticks)
            interval = TimeSpan.FromTicks(Math.Max(stuckAfter.Ticks / 4, TimeSpan.TicksPerMillisecond));
        _ticksPerSample = Math.Max(1, (int)Math.Round(_backpressure.SampleInterval.Ticks / (double)interval.Ticks));
        // The timer holds the engine weakly: an executor that is dropped without shutdown can still be collected.
        return new Timer(static state =>
        {
            if (((WeakReference<ExecutorEngine<TKey, TEnvelope, TDispatcher>>)state!).TryGetTarget(out var engine))
                engine.OnTimer();
        }, new WeakReference<ExecutorEngine<TKey, TEnvelope, TDispatcher>>(this), interval, interval);
    }

    private void OnTimer()
    {
        try
        {
            lock (_lock)
            {
                if (_state == EngineState.Stopped)
                    return;
                long now = Stopwatch.GetTimestamp();
                SuperviseLocked(now);
                if (!_queueFillHolds)
                    RaiseQueueFillIfOverLocked();
                else if (_backpressure.QueueFill.Settled(now, QueuedTotal()))
                {
                    Volatile.Write(ref _queueFillHolds, false);
                    PublishBackpressureLocked();
                }
                if (++_ticks % _ticksPerSample != 0)
                    return;
                long finished = FinishedTotal(), submitted = SubmittedTotal();
                _rates.Sample(now, submitted, finished);
                _backpressure.Sample(submitted, finished, RunningTotal());
                PublishBackpressureLocked();
            }
        }
        catch (Exception)
        {
            // An exception escaping a timer callback ends the process. A missed tick only delays supervision
            // and backpressure by one period, so the next tick simply tries again.
        }
    }
}
