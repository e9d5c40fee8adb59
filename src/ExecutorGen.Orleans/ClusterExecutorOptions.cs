using System;

namespace ExecutorGen.Orleans;

/// <summary>Options of a generated <c>{Class}ClusterExecutor</c> (the client side; silos need none).</summary>
public sealed class ClusterExecutorOptions
{
    /// <summary>Requests accepted and not yet finished (queued or in flight), over all keys of this executor. Default 10,000.</summary>
    public int Capacity { get; set; } = 10_000;

    /// <summary>Requests of one key accepted and not yet finished; <see langword="null"/> (default) for no limit beyond <see cref="Capacity"/>.</summary>
    public int? MaxQueuedPerKey { get; set; }

    /// <summary>What <c>SubmitAsync</c> does when full: <see cref="QueueFullMode.Wait"/> (default) or <see cref="QueueFullMode.Reject"/>.
    /// The shedding modes are not supported: a request is not dropped once it may have reached a silo.</summary>
    public QueueFullMode FullMode { get; set; } = QueueFullMode.Wait;

    /// <summary>Grain calls in flight at once (each for a different key: a key has at most one). Default 1,024.</summary>
    public int MaxConcurrentCalls { get; set; } = 1_024;

    /// <summary>
    /// The most queued requests of one key a grain call carries (the grain runs them in order and answers each).
    /// Default 32; 1 sends one request per call. A key's requests run one after another whatever the batch, so a larger
    /// batch costs a key nothing in order or parallelism; for keys with a backlog it saves a round trip and a storage
    /// write (the de-duplication mark is written once per call) per request. A request's reply comes with those of its
    /// call, once the call's last request has run; a silo that dies mid-call reruns the call's requests that had run
    /// (at most one with 1).
    /// </summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>
    /// <see langword="null"/> (default): one grain per partition key. A number: keys are spread over that many grains by a
    /// stable hash (fewer activations and storage records; keys sharing a grain run one at a time).
    /// </summary>
    public int? BucketCount { get; set; }

    /// <summary>How long a request whose grain call failed (a silo died, a timeout, a lost connection) is redelivered
    /// before it is given up as a dead letter. Default 2 minutes.</summary>
    public TimeSpan RedeliveryTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The first delay before a redelivery; it doubles up to 5 seconds. Default 100 ms.</summary>
    public TimeSpan RedeliveryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Fill (accepted and unfinished / <see cref="Capacity"/>) at which backpressure turns on. Default 0.8.</summary>
    public double HighWatermark { get; set; } = 0.8;

    /// <summary>Fill under which backpressure turns off again. Default 0.6.</summary>
    public double LowWatermark { get; set; } = 0.6;

    /// <summary>
    /// <see langword="false"/> (default): a request is accepted once it is queued in this client, and a client that dies
    /// loses the requests it had not yet sent. <see langword="true"/>: <c>SubmitAsync</c> completes only once the request
    /// is stored in its partition grain's persisted state (in submission order per key), and the grain runs its stored
    /// requests by itself, so a client that dies after <c>SubmitAsync</c> returned loses nothing; the client learns the
    /// outcomes by polling the grain. <c>TrySubmit</c> never waits: in durable mode it only queues the request to be
    /// stored. Durable mode costs a storage write per store call on top of the one per processing turn, and a long poll
    /// per grain with work in flight, so it is not the default: choose it where losing accepted requests with a client
    /// costs more than those writes (see docs/orleans.md, "Durable acceptance").
    /// </summary>
    public bool Durable { get; set; }

    /// <summary>
    /// With <see cref="Durable"/>: the most requests a grain keeps stored and unfinished (all clients' together; a
    /// request leaves when it has run). A store call that would pass it is answered "full" and retried by the client after
    /// <see cref="RedeliveryDelay"/>, so one grain's stored queue cannot grow without bound. A store call carries at most
    /// this many requests. Default 1,000; validated always, used only with <see cref="Durable"/>.
    /// </summary>
    public int MaxStoredPerGrain { get; set; } = 1_000;

    /// <summary>Receives requests whose handler threw on the silo, or that could not be delivered within <see cref="RedeliveryTimeout"/>.</summary>
    public IDeadLetterSink? DeadLetters { get; set; }

    /// <summary>A copy, so that an executor keeps the values it was built with.</summary>
    public ClusterExecutorOptions Clone() => (ClusterExecutorOptions)MemberwiseClone();

    /// <summary>Throws when an option is out of range; the exception names the option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public void Validate()
    {
        if (Capacity < 1)
            throw new ArgumentOutOfRangeException(nameof(Capacity), Capacity, "Capacity must be at least 1.");
        if (MaxQueuedPerKey is < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxQueuedPerKey), MaxQueuedPerKey, "MaxQueuedPerKey must be at least 1, or null.");
        if (FullMode is not (QueueFullMode.Wait or QueueFullMode.Reject))
            throw new ArgumentOutOfRangeException(nameof(FullMode), FullMode, "A cluster executor supports QueueFullMode.Wait and QueueFullMode.Reject.");
        if (MaxConcurrentCalls < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentCalls), MaxConcurrentCalls, "MaxConcurrentCalls must be at least 1.");
        if (MaxBatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "MaxBatchSize must be at least 1.");
        if (MaxStoredPerGrain < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxStoredPerGrain), MaxStoredPerGrain, "MaxStoredPerGrain must be at least 1.");
        if (BucketCount is < 1)
            throw new ArgumentOutOfRangeException(nameof(BucketCount), BucketCount, "BucketCount must be at least 1, or null.");
        if (RedeliveryTimeout < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(RedeliveryTimeout), RedeliveryTimeout, "RedeliveryTimeout must not be negative.");
        if (RedeliveryDelay <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(RedeliveryDelay), RedeliveryDelay, "RedeliveryDelay must be positive.");
        if (HighWatermark is <= 0 or > 1 || double.IsNaN(HighWatermark))
            throw new ArgumentOutOfRangeException(nameof(HighWatermark), HighWatermark, "HighWatermark must be in (0, 1].");
        if (LowWatermark < 0 || LowWatermark >= HighWatermark || double.IsNaN(LowWatermark))
            throw new ArgumentOutOfRangeException(nameof(LowWatermark), LowWatermark, "LowWatermark must be in [0, HighWatermark).");
    }
}
