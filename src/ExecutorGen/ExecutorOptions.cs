using System;

namespace ExecutorGen;

/// <summary>
/// Settings of a generated executor. The executor copies them when it is constructed; changing an
/// instance afterwards has no effect on executors already built from it.
/// </summary>
public sealed class ExecutorOptions
{
    /// <summary>
    /// Number of workers. Default: <see cref="Environment.ProcessorCount"/>, right for CPU-bound
    /// handlers. Handlers that mostly await I/O are usually better served by two to four times that,
    /// bounded by what the resources they call (connections, rate limits) can take. The executor starts with this
    /// many; <c>SetWorkerCount</c> changes the count while it runs (the capacity and the default per-key limit stay
    /// those computed from this value, and under <see cref="Ordering.PerKey"/> so do the shards of the keys).
    /// </summary>
    public int WorkerCount { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// Requests accepted and not yet started, over all keys, before <see cref="FullMode"/> applies.
    /// Default (<see langword="null"/>): 1,024 × <see cref="WorkerCount"/>.
    /// </summary>
    /// <remarks>
    /// Under <see cref="Ordering.PerPartition"/> each worker's partition holds at most its share, Capacity ÷
    /// <see cref="WorkerCount"/> (the shares add up to the capacity, so it must be at least the worker count): the
    /// seed's bounded queue per worker. A full partition applies <see cref="FullMode"/> to its own requests
    /// (DropOldest sheds the partition's oldest), while the other partitions keep accepting. A hot partition so
    /// makes its own submitters wait, not everyone's; the price is that a burst on one partition finds less room
    /// than the whole capacity.
    /// </remarks>
    public int? Capacity { get; set; }

    /// <summary>What happens to a request that arrives when <see cref="Capacity"/> is reached. Default: <see cref="QueueFullMode.Wait"/>.</summary>
    public QueueFullMode FullMode { get; set; } = QueueFullMode.Wait;

    /// <summary>How keyed requests are scheduled. Default: <see cref="Ordering.PerKey"/>.</summary>
    public Ordering Ordering { get; set; } = Ordering.PerKey;

    /// <summary>Attempts per request, the first included. Default 1: no retry.</summary>
    public int MaxAttempts { get; set; } = 1;

    /// <summary>
    /// Delay before the first retry; each further retry doubles it, with up to 20 % random jitter.
    /// Default: 100 ms. A retry runs on the same worker before the key's next request, so per-key order holds.
    /// </summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Which failures are worth another attempt. Called with a failed attempt's exception when attempts are left (see
    /// <see cref="MaxAttempts"/>); when it returns <see langword="false"/> the request is dead-lettered at once, without
    /// further attempts: for failures that would only fail again, such as validation errors. Default
    /// (<see langword="null"/>): every failure is retried. It runs on a worker (or, for a timed-out attempt, on the
    /// timeout's timer thread), so keep it fast and free of side effects; a filter that throws counts as
    /// <see langword="false"/>. A timed-out attempt's exception is a <see cref="TimeoutException"/>.
    /// </summary>
    public Func<Exception, bool>? RetryFilter { get; set; }

    /// <summary>
    /// How long one attempt of a handler may run. Default (<see langword="null"/>): no limit.
    /// </summary>
    /// <remarks>
    /// When an attempt runs longer, its <see cref="System.Threading.CancellationToken"/> (the handler's last parameter,
    /// if it takes one) is cancelled, and the attempt counts as failed with a <see cref="TimeoutException"/>: retried
    /// (<see cref="MaxAttempts"/>, <see cref="RetryFilter"/>) or dead-lettered like any failure, whatever the handler
    /// does afterwards, so a result it returns late is discarded. The failure is counted and reported at the deadline
    /// (<see cref="ExecutorMetrics.TimedOut"/> and <see cref="ExecutorMetrics.Failed"/>, the <c>AttemptFailed</c> event),
    /// also for a handler that takes no token or ignores it; such a handler cannot be stopped, and its worker and its
    /// key wait until it returns (per-key order), so the next attempt or request starts only then. A handler with a
    /// token sees it cancelled by a <see cref="ShutdownMode.Cancel"/> shutdown as before. Each attempt then costs a
    /// timer and a token source.
    /// </remarks>
    public TimeSpan? HandlerTimeout { get; set; }

    /// <summary>
    /// Most requests one key may have queued (not counting the one running); at the limit
    /// <see cref="FullMode"/> applies as if the executor were full, so one hot key cannot take the whole
    /// <see cref="Capacity"/>. Default (<see langword="null"/>): under <see cref="Ordering.PerKey"/> a fair share,
    /// ⌈Capacity ÷ <see cref="WorkerCount"/>⌉, so a hot key makes its own submitters wait while requests of other
    /// keys still find room; under the other orderings no per-key limit. Set it to <see cref="Capacity"/> for no
    /// limit (one key may then fill the executor, and every other key waits for it at admission).
    /// </summary>
    public int? MaxQueuedPerKey { get; set; }

    /// <summary>
    /// Whether requests whose partition key is <see langword="null"/> share one ordered lane (<see cref="NullKeys.Ordered"/>,
    /// the default) or run unordered, like requests without a key (<see cref="NullKeys.Unordered"/>).
    /// </summary>
    public NullKeys NullKeys { get; set; } = NullKeys.Ordered;

    /// <summary>Where requests whose last attempt failed, or that were shed, are sent. Optional: they are counted either way.</summary>
    public IDeadLetterSink? DeadLetters { get; set; }

    /// <summary>
    /// What happens to a key's later requests after one of its requests is dead-lettered. Default:
    /// <see cref="ExecutorGen.DeadLetterPolicy.ContinueKey"/>.
    /// </summary>
    public DeadLetterPolicy DeadLetterPolicy { get; set; } = DeadLetterPolicy.ContinueKey;

    /// <summary>Queue fill (0–1] at or above which backpressure becomes active. Default 0.8.</summary>
    public double HighWatermark { get; set; } = 0.8;

    /// <summary>
    /// Queue fill [0–1) under which queue-fill backpressure clears again (hysteresis), once the queue has stayed
    /// under it for a tenth of <see cref="BackpressureWindow"/> (by default 0.5 s): a dip during one overload does not
    /// end the signal, so one sustained overload raises it once. Default 0.6.
    /// </summary>
    public double LowWatermark { get; set; } = 0.6;

    /// <summary>Queue-time p99 over the backpressure window above which backpressure is signalled. Default: 5 s.</summary>
    public TimeSpan LatencyThreshold { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Average share of busy workers over the backpressure window at or above which backpressure is signalled. Default 0.9.</summary>
    public double SaturationThreshold { get; set; } = 0.9;

    /// <summary>
    /// The window over which the time-based backpressure signals (latency, saturation, arrival rate above
    /// completion rate) are measured; a burst shorter than it raises none of them. Default: 5 s.
    /// </summary>
    public TimeSpan BackpressureWindow { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a handler may run before its worker is reported stuck (<see cref="ExecutorMetrics.StuckWorkers"/>,
    /// the <c>WorkerStuck</c> event). Under <see cref="Ordering.PerKey"/> and <see cref="Ordering.Unordered"/> a
    /// replacement worker then serves the other keys until the stuck handler returns. Default: 30 s;
    /// <see langword="null"/> turns detection off.
    /// </summary>
    public TimeSpan? StuckAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Runs each worker on a dedicated, named thread instead of the thread pool: for handlers that block
    /// (synchronous I/O, locks), which would otherwise starve the pool. Default: <see langword="false"/>.
    /// </summary>
    public bool DedicatedThreads { get; set; }

    /// <summary>
    /// Where the executor's <c>ExecutorGen</c> meter comes from (dependency injection provides one); when
    /// <see langword="null"/>, a process-wide meter named <c>ExecutorGen</c> is used.
    /// </summary>
    public System.Diagnostics.Metrics.IMeterFactory? MeterFactory { get; set; }

    /// <summary>The capacity in force: <see cref="Capacity"/>, or 1,024 × <see cref="WorkerCount"/> when unset.</summary>
    public int EffectiveCapacity => Capacity ?? checked(1024 * Math.Max(1, WorkerCount));

    /// <summary>
    /// The per-key limit in force: <see cref="MaxQueuedPerKey"/>, or when unset under <see cref="Ordering.PerKey"/>
    /// ⌈<see cref="EffectiveCapacity"/> ÷ <see cref="WorkerCount"/>⌉ (no limit with one worker, or under the other orderings).
    /// </summary>
    public int? EffectiveMaxQueuedPerKey
    {
        get
        {
            if (MaxQueuedPerKey is { } limit)
                return limit;
            int workers = Math.Max(1, WorkerCount);
            if (Ordering != Ordering.PerKey || workers == 1)
                return null;
            int capacity = EffectiveCapacity;
            return capacity / workers + (capacity % workers == 0 ? 0 : 1);
        }
    }

    /// <summary>
    /// A copy of these options (a shallow one: the copy shares the <see cref="DeadLetters"/> sink and the
    /// <see cref="MeterFactory"/>), for building an executor with a few settings changed without touching an
    /// instance others may read.
    /// </summary>
    public ExecutorOptions Clone() => (ExecutorOptions)MemberwiseClone();

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (WorkerCount < 1)
            throw new ArgumentOutOfRangeException(nameof(WorkerCount), WorkerCount, "WorkerCount must be at least 1.");
        if (Capacity is < 1)
            throw new ArgumentOutOfRangeException(nameof(Capacity), Capacity, "Capacity must be at least 1.");
        if (Ordering == Ordering.PerPartition && Capacity < WorkerCount)
        {
            throw new ArgumentOutOfRangeException(nameof(Capacity), Capacity,
                "Under Ordering.PerPartition each worker's partition holds its share of the capacity, so Capacity must be at least WorkerCount.");
        }
        if (!Enum.IsDefined(typeof(QueueFullMode), FullMode))
            throw new ArgumentOutOfRangeException(nameof(FullMode), FullMode, "Unknown QueueFullMode.");
        if (!Enum.IsDefined(typeof(Ordering), Ordering))
            throw new ArgumentOutOfRangeException(nameof(Ordering), Ordering, "Unknown Ordering.");
        if (MaxAttempts < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "MaxAttempts must be at least 1.");
        if (RetryBackoff < TimeSpan.Zero || RetryBackoff > TimeSpan.FromHours(1))
            throw new ArgumentOutOfRangeException(nameof(RetryBackoff), RetryBackoff, "RetryBackoff must be between zero and one hour.");
        if (HandlerTimeout is { } handlerTimeout && (handlerTimeout < TimeSpan.FromMilliseconds(1) || handlerTimeout > TimeSpan.FromDays(1)))
            throw new ArgumentOutOfRangeException(nameof(HandlerTimeout), HandlerTimeout, "HandlerTimeout must be between 1 ms and one day, or null.");
        if (!(HighWatermark > 0 && HighWatermark <= 1))
            throw new ArgumentOutOfRangeException(nameof(HighWatermark), HighWatermark, "HighWatermark must be in (0, 1].");
        if (!(LowWatermark >= 0 && LowWatermark < HighWatermark))
            throw new ArgumentOutOfRangeException(nameof(LowWatermark), LowWatermark, "LowWatermark must be in [0, HighWatermark).");
        if (MaxQueuedPerKey is < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxQueuedPerKey), MaxQueuedPerKey, "MaxQueuedPerKey must be at least 1.");
        if (!Enum.IsDefined(typeof(NullKeys), NullKeys))
            throw new ArgumentOutOfRangeException(nameof(NullKeys), NullKeys, "Unknown NullKeys.");
        if (!Enum.IsDefined(typeof(DeadLetterPolicy), DeadLetterPolicy))
            throw new ArgumentOutOfRangeException(nameof(DeadLetterPolicy), DeadLetterPolicy, "Unknown DeadLetterPolicy.");
        if (LatencyThreshold <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(LatencyThreshold), LatencyThreshold, "LatencyThreshold must be positive.");
        if (!(SaturationThreshold > 0 && SaturationThreshold <= 1))
            throw new ArgumentOutOfRangeException(nameof(SaturationThreshold), SaturationThreshold, "SaturationThreshold must be in (0, 1].");
        if (BackpressureWindow < TimeSpan.FromMilliseconds(10) || BackpressureWindow > TimeSpan.FromHours(1))
            throw new ArgumentOutOfRangeException(nameof(BackpressureWindow), BackpressureWindow, "BackpressureWindow must be between 10 ms and one hour.");
        if (StuckAfter is { } stuckAfter && (stuckAfter < TimeSpan.FromMilliseconds(10) || stuckAfter > TimeSpan.FromDays(1)))
            throw new ArgumentOutOfRangeException(nameof(StuckAfter), StuckAfter, "StuckAfter must be between 10 ms and one day, or null.");
    }
}
