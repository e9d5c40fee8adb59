using System;
using System.Collections.Generic;

namespace ExecutorGen;

/// <summary>
/// A snapshot of an executor's counters and gauges. Counts are lifetime totals. At any moment,
/// <c>Submitted = Completed + DeadLettered + Dropped + Cancelled + QueueDepth + in flight</c>, and after
/// shutdown the in-flight term is zero and the queued term is the report's unprocessed count. A call of a batch handler
/// counts per request it carried (a failed call of 10 requests is 10 failed attempts); <see cref="Batches"/> counts the calls.
/// </summary>
public sealed record ExecutorMetrics
{
    /// <summary>Requests accepted.</summary>
    public long Submitted { get; init; }

    /// <summary>Requests whose handler completed successfully.</summary>
    public long Completed { get; init; }

    /// <summary>Failed attempts (a request retried three times and then dead-lettered counts 3).</summary>
    public long Failed { get; init; }

    /// <summary>Requests refused (never accepted): full under <see cref="QueueFullMode.Reject"/> or <c>TrySubmit</c>, or shutting down.</summary>
    public long Rejected { get; init; }

    /// <summary>Accepted requests shed by <see cref="QueueFullMode.DropOldest"/> or <see cref="QueueFullMode.DropNewest"/>.</summary>
    public long Dropped { get; init; }

    /// <summary>Attempts re-run after a failure.</summary>
    public long Retried { get; init; }

    /// <summary>
    /// Attempts that ran longer than <see cref="ExecutorOptions.HandlerTimeout"/>; each is also one of <see cref="Failed"/>.
    /// </summary>
    public long TimedOut { get; init; }

    /// <summary>Requests whose last attempt failed, whether or not a dead-letter sink is configured.</summary>
    public long DeadLettered { get; init; }

    /// <summary>Running requests cancelled by a <see cref="ShutdownMode.Cancel"/> shutdown.</summary>
    public long Cancelled { get; init; }

    /// <summary>Calls of batch handlers, one per batch (however many attempts it took).</summary>
    public long Batches { get; init; }

    /// <summary>Requests those calls carried: <c>BatchedRequests / Batches</c> is the mean batch size.</summary>
    public long BatchedRequests { get; init; }

    /// <summary>Exceptions thrown by the dead-letter sink (each caught; the worker carried on).</summary>
    public long DeadLetterSinkFailures { get; init; }

    /// <summary>Requests accepted and not yet started.</summary>
    public long QueueDepth { get; init; }

    /// <summary>The capacity in force.</summary>
    public int Capacity { get; init; }

    /// <summary>Number of workers: the configured count, or the one the last <c>SetWorkerCount</c> set.</summary>
    public int WorkerCount { get; init; }

    /// <summary>Workers running a request now.</summary>
    public int BusyWorkers { get; init; }

    /// <summary>Workers whose handler has run longer than <see cref="ExecutorOptions.StuckAfter"/>.</summary>
    public int StuckWorkers { get; init; }

    /// <summary>Worker loops restarted after a fault in the engine itself (their in-flight request was retried).</summary>
    public long WorkerRestarts { get; init; }

    /// <summary>Keys paused after a dead letter under <see cref="DeadLetterPolicy.PauseKey"/>.</summary>
    public int PausedKeys { get; init; }

    /// <summary>The keys with the most queued requests, most first (at most five): where a hot key shows.</summary>
    public IReadOnlyList<KeyBacklog> HotKeys { get; init; } = Array.Empty<KeyBacklog>();

    /// <summary>
    /// Per-worker figures, in worker id order: the pool's workers and replacements for stuck ones. A worker
    /// <c>SetWorkerCount</c> retired is listed until its loop has ended (it finishes its running request first); after
    /// that its figures count only in the totals (<see cref="Completed"/> and the others, <see cref="QueueTime"/>,
    /// <see cref="ProcessingTime"/>), so the per-worker sums then fall short of them.
    /// </summary>
    public IReadOnlyList<WorkerMetrics> Workers { get; init; } = Array.Empty<WorkerMetrics>();

    /// <summary>Time from acceptance to start.</summary>
    public LatencySummary QueueTime { get; init; } = LatencySummary.Empty;

    /// <summary>Time from start to the end of the last attempt (backoff included).</summary>
    public LatencySummary ProcessingTime { get; init; } = LatencySummary.Empty;

    /// <summary>Accepted requests per second over the last few seconds.</summary>
    public double ArrivalRate { get; init; }

    /// <summary>Finished requests (completed or dead-lettered) per second over the last few seconds.</summary>
    public double CompletionRate { get; init; }

    /// <summary>The backpressure state when the snapshot was taken.</summary>
    public BackpressureState Backpressure { get; init; } = BackpressureState.Inactive;

    /// <summary>Where the executor is in its life: accepting, paused, shutting down (intake closed), or stopped.</summary>
    public ExecutorState State { get; init; }
}

/// <summary>Where an executor is in its life.</summary>
public enum ExecutorState
{
    /// <summary>Accepting requests.</summary>
    Running,

    /// <summary><c>ShutdownAsync</c> has been called: intake is closed, accepted work is draining or being cancelled.</summary>
    ShuttingDown,

    /// <summary>Shut down: no worker runs (unless the shutdown timed out).</summary>
    Stopped,

    /// <summary>
    /// Paused (<c>Pause()</c>): accepting requests up to the capacity, but starting none until <c>Resume()</c>; what was
    /// running when it paused finishes.
    /// </summary>
    Paused,
}

/// <summary>A key and how many of its requests are queued.</summary>
/// <param name="Key">The partition key (<see langword="null"/> for the null key).</param>
/// <param name="Queued">Its queued requests, not counting one running.</param>
public sealed record KeyBacklog(object? Key, int Queued);

/// <summary>One worker's figures.</summary>
/// <param name="Id">
/// The worker's id, from 0 (replacements for stuck workers follow the configured ones; a worker started by
/// <c>SetWorkerCount</c> takes the lowest id no listed worker has).
/// </param>
/// <param name="Processed">Requests this worker finished (completed, dead-lettered or cancelled).</param>
/// <param name="Failed">Failed attempts on this worker.</param>
/// <param name="Busy">Whether the worker is running a request now.</param>
/// <param name="LastActivity">When the worker last started or finished a request; <see langword="null"/> if never.</param>
public sealed record WorkerMetrics(int Id, long Processed, long Failed, bool Busy, DateTimeOffset? LastActivity)
{
    /// <summary>Whether its running handler has exceeded <see cref="ExecutorOptions.StuckAfter"/>.</summary>
    public bool IsStuck { get; init; }
}

/// <summary>Percentiles of a latency distribution (histogram estimates, within about 10 %; <see cref="Max"/> is exact).</summary>
/// <param name="Count">How many samples.</param>
/// <param name="P50">Median.</param>
/// <param name="P90">90th percentile.</param>
/// <param name="P99">99th percentile.</param>
/// <param name="Max">Largest sample.</param>
public sealed record LatencySummary(long Count, TimeSpan P50, TimeSpan P90, TimeSpan P99, TimeSpan Max)
{
    /// <summary>No samples.</summary>
    public static LatencySummary Empty { get; } = new(0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
}
