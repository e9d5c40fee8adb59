using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace ExecutorGen.Runtime;

/// <summary>
/// One worker: its wake-up signal, the scheduler it serves, and its live figures. Figures are written by
/// the worker itself (and the supervisor's stuck flag by the engine under its lock); snapshots read them
/// without locks.
/// </summary>
internal sealed class WorkerState
{
    // A wall-clock reading paired with a Stopwatch one, so activity times are stored as Stopwatch timestamps
    // (the engine reads that clock anyway) and turned into wall-clock time only when a snapshot asks.
    private static readonly long s_originTimestamp = Stopwatch.GetTimestamp();
    private static readonly DateTimeOffset s_originUtc = DateTimeOffset.UtcNow;

    private long _processed;
    private long _failed;
    private long _runningSince; // Stopwatch timestamp of the running request's start; 0 when idle
    private long _lastActivity; // Stopwatch timestamp; 0 before the first request

    public WorkerState(int id, int scheduler, bool blocking, bool isReplacement)
    {
        Id = id;
        Scheduler = scheduler;
        _currentScheduler = scheduler;
        Signal = new WorkerSignal(blocking);
        IsReplacement = isReplacement;
    }

    public int Id { get; }

    /// <summary>
    /// The engine's scheduler it takes requests from (the index in the engine's schedulers); under sharded PerKey its
    /// home shard, which it looks at first and where it runs its requests back to back.
    /// </summary>
    public int Scheduler { get; }

    /// <summary>
    /// The scheduler its current (or last) request came from, where that request is finished: its own, or under
    /// sharded PerKey another shard's it took work from. Written by the worker under that scheduler's lock.
    /// </summary>
    public int CurrentScheduler => Volatile.Read(ref _currentScheduler);

    private int _currentScheduler;

    public WorkerSignal Signal { get; }

    /// <summary>Queue and processing times of the requests this worker took, recorded by the worker alone, outside the lock.</summary>
    public LatencyHistogram QueueTime { get; } = new();

    /// <inheritdoc cref="QueueTime"/>
    public LatencyHistogram ProcessingTime { get; } = new();

    /// <summary>
    /// It has admitted a waiting submitter since it last gave its thread back. The submitter's code was queued to
    /// this thread-pool thread, where it would wait for the worker's time slice to end (up to a millisecond, in
    /// which the queue it is about to refill may drain to empty): so the slice ends after the current request
    /// instead. Only the worker's own loop reads and writes it.
    /// </summary>
    public bool AdmittedWaiters { get; set; }

    /// <summary>Started by the supervisor in place of a stuck worker; retires when no longer needed.</summary>
    public bool IsReplacement { get; }

    /// <summary>Completes when the worker's loop has ended.</summary>
    public Task Completion { get; set; } = Task.CompletedTask;

    /// <summary>Reported stuck and not yet back (guarded by the engine lock).</summary>
    public bool IsStuck { get; set; }

    /// <summary>Ended: retired replacement or shut down (guarded by the engine lock).</summary>
    public bool IsRetired { get; set; }

    /// <summary>
    /// Left the pool by <c>SetWorkerCount</c>: it finishes the request it runs and ends at its next step (see
    /// ExecutorEngine.Resize for the locks it is written under). Read by the worker without a lock only where a later
    /// look under a lock catches a change it missed.
    /// </summary>
    public bool Retiring
    {
        get => Volatile.Read(ref _retiring);
        set => Volatile.Write(ref _retiring, value);
    }

    private bool _retiring;

    /// <summary>
    /// Under PerPartition, the partitions that must not start anything until this worker's running request has finished:
    /// a re-partitioning moved that request's key there (ExecutorEngine.Repartition). Written under the lock of the
    /// partition it serves, read by the worker after it booked its request there; <see langword="null"/> when none.
    /// </summary>
    public List<Fence>? Fences { get; set; }

    /// <summary>Takes the fences of the request just finished (under that same lock).</summary>
    public List<Fence>? TakeFences()
    {
        var fences = Fences;
        Fences = null;
        return fences;
    }

    public bool IsBusy => Volatile.Read(ref _runningSince) != 0;

    /// <summary>How long the current request has been running; zero when idle.</summary>
    public TimeSpan RunningFor(long now)
    {
        long since = Volatile.Read(ref _runningSince);
        return since == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((now - since) / (double)Stopwatch.Frequency);
    }

    // Only the worker's own loop calls Started and Finished, so a plain increment does; every write is
    // whole, for lock-free snapshots.
    public void Started(long timestamp, int scheduler)
    {
        Volatile.Write(ref _currentScheduler, scheduler);
        timestamp = timestamp == 0 ? 1 : timestamp;
        Volatile.Write(ref _runningSince, timestamp);
        Volatile.Write(ref _lastActivity, timestamp);
    }

    /// <summary>Its request has finished: <paramref name="requests"/> of them when it was a batch.</summary>
    public void Finished(long timestamp, int requests = 1)
    {
        Volatile.Write(ref _processed, _processed + requests);
        Volatile.Write(ref _runningSince, 0);
        Volatile.Write(ref _lastActivity, timestamp == 0 ? 1 : timestamp);
    }

    /// <summary>An attempt of its request failed: <paramref name="requests"/> failed attempts when it was a batch.</summary>
    public void AttemptFailed(int requests = 1) => Interlocked.Add(ref _failed, requests);

    public WorkerMetrics Snapshot()
    {
        long last = Volatile.Read(ref _lastActivity);
        return new WorkerMetrics(
            Id,
            Volatile.Read(ref _processed),
            Volatile.Read(ref _failed),
            IsBusy,
            last == 0 ? null : s_originUtc + TimeSpan.FromSeconds((last - s_originTimestamp) / (double)Stopwatch.Frequency))
        {
            IsStuck = IsStuck,
        };
    }
}

/// <summary>
/// A partition held back until a worker's running request has finished: a re-partitioning moved that request's key
/// (<paramref name="Key"/>, boxed: re-partitionings are rare) to <paramref name="Partition"/>.
/// </summary>
internal readonly record struct Fence(int Partition, object? Key);
