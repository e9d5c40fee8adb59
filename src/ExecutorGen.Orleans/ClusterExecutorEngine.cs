using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using ExecutorGen.Runtime;
using Orleans;

namespace ExecutorGen.Orleans;

/// <summary>
/// The client side of a cluster executor, hand-written once; each generated <c>{Class}ClusterExecutor</c> is a thin,
/// typed wrapper over it. Requests are queued per key in <em>lanes</em>; a lane sends one call at a time to its
/// partition grain, carrying its oldest queued requests (up to <see cref="ClusterExecutorOptions.MaxBatchSize"/>), and
/// waits for the replies before the next, so a key's requests run in submission order across the cluster. A failed call
/// is redelivered with the same sequence numbers, which the grain de-duplicates.
/// </summary>
public sealed partial class ClusterExecutorEngine : IAsyncDisposable
{
    /// <summary>Unkeyed requests are spread round-robin over this many lanes (sequenced like keys, so redelivery stays safe).</summary>
    private const int UnorderedLanes = 64;

    private static readonly TimeSpan s_maxRedeliveryDelay = TimeSpan.FromSeconds(5);

    private readonly IGrainFactory _grains;
    private readonly string _executor;
    private readonly ClusterExecutorOptions _options;
    private readonly object _sender;
    private readonly Guid _client = Guid.NewGuid();
    private readonly SemaphoreSlim _callSlots;
    private readonly int _maxCallSize; // requests per grain call: MaxBatchSize, and with Durable at most MaxStoredPerGrain

    // Guarded by _lock: the lanes, the room and its waiters, the counts that admission reads, and the lifecycle.
    private readonly object _lock = new();
    private readonly Dictionary<string, Lane> _lanes = new(StringComparer.Ordinal);
    private readonly Room _room; // places taken: accepted and unfinished requests (queued + in flight)
    private long _sequence;
    private int _queued;
    private long _unorderedCounter; // Interlocked: the next unkeyed request's lane

    /// <summary>Creates the engine.</summary>
    /// <param name="grains">The cluster client (or a silo's grain factory) to call partition grains through.</param>
    /// <param name="executor">The executor name the silos registered the handler class under.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults. Copied and validated.</param>
    /// <param name="sender">The sender of this engine's events (the generated executor).</param>
    /// <exception cref="ArgumentNullException"><paramref name="grains"/>, <paramref name="executor"/> or <paramref name="sender"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the exception names it).</exception>
    public ClusterExecutorEngine(IGrainFactory grains, string executor, ClusterExecutorOptions? options, object sender)
    {
        _grains = grains ?? throw new ArgumentNullException(nameof(grains));
        _executor = executor ?? throw new ArgumentNullException(nameof(executor));
        _sender = sender ?? throw new ArgumentNullException(nameof(sender));
        _options = options?.Clone() ?? new ClusterExecutorOptions();
        _options.Validate();
        _callSlots = new SemaphoreSlim(_options.MaxConcurrentCalls, _options.MaxConcurrentCalls);
        _maxCallSize = _options.Durable ? Math.Min(_options.MaxBatchSize, _options.MaxStoredPerGrain) : _options.MaxBatchSize;
        _room = new Room(_options.Capacity, shared: false);
        if (_options.MaxQueuedPerKey is not null)
            _keyCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        _events = new EventDispatcher(sender);
        // No timer judges a clear here, so there is no dwell: it clears on the first finish under the low watermark.
        _queueFill = new QueueFillSignal(_options.Capacity, _options.HighWatermark, _options.LowWatermark, dwellTicks: 0);
    }

    /// <summary>The id the grains know this client by; sequence numbers are per client.</summary>
    public Guid ClientId => _client;

    /// <summary>
    /// Queues a request; under <see cref="QueueFullMode.Wait"/> waits for room while full. With
    /// <see cref="ClusterExecutorOptions.Durable"/>, completes only once the request is stored in its partition grain.
    /// </summary>
    /// <param name="call">The request.</param>
    /// <param name="cancellationToken">Stops the wait for room; it does not cancel a queued request.</param>
    /// <exception cref="RequestRejectedException">Full under <see cref="QueueFullMode.Reject"/>, or shutting down.</exception>
    /// <remarks>Durable: faults with the cluster's failure when the request could not be stored within
    /// <see cref="ClusterExecutorOptions.RedeliveryTimeout"/> (it is dead-lettered too), and is cancelled when a Cancel
    /// shutdown keeps it back before it was stored.</remarks>
    public ValueTask SubmitAsync(ClusterCall call, CancellationToken cancellationToken = default) =>
        _options.Durable
            ? SubmitAndStoreAsync(call, cancellationToken)
            : AdmitAsync(NewPending(call, completion: null), cancellationToken);

    /// <summary>
    /// Queues a request if that needs no waiting. With <see cref="ClusterExecutorOptions.Durable"/> it is queued to be
    /// stored, not stored yet: <see cref="SubmitAsync"/> is the call that waits for the store.
    /// </summary>
    /// <param name="call">The request.</param>
    /// <returns><see langword="true"/> when queued; <see langword="false"/> when full or shutting down.</returns>
    public bool TrySubmit(ClusterCall call)
    {
        var admission = TryAdmit(NewPending(call, completion: null));
        if (admission == Admission.Accepted)
            return true;
        Interlocked.Increment(ref _rejected);
        return false;
    }

    /// <summary>Queues a request and waits for its handler to run on the cluster.</summary>
    /// <param name="call">The request.</param>
    /// <param name="cancellationToken">Stops the wait for room; it does not cancel a queued request.</param>
    /// <returns>Completes when the handler has run; faults with the handler's exception.</returns>
    public async Task InvokeAsync(ClusterCall call, CancellationToken cancellationToken = default) =>
        await InvokeAsync<object?>(call, cancellationToken).ConfigureAwait(false);

    /// <summary>Queues a request and waits for its handler's result.</summary>
    /// <typeparam name="T">The handler's result type.</typeparam>
    /// <param name="call">The request.</param>
    /// <param name="cancellationToken">Stops the wait for room; it does not cancel a queued request.</param>
    /// <returns>The handler's result; faults with the handler's exception.</returns>
    public async Task<T> InvokeAsync<T>(ClusterCall call, CancellationToken cancellationToken = default)
    {
        var completion = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await AdmitAsync(NewPending(call, completion), cancellationToken).ConfigureAwait(false);
        return (T)(await completion.Task.ConfigureAwait(false))!;
    }

    /// <summary>
    /// Sends a lane's requests, up to <see cref="ClusterExecutorOptions.MaxBatchSize"/> of them per grain call, one call at
    /// a time and in order, until the lane is empty.
    /// </summary>
    private async Task PumpAsync(Lane lane)
    {
        var grain = _grains.GetGrain<IPartitionGrain>(lane.GrainKey);
        while (true)
        {
            // The call slot first, the requests after: a request stays queued (pausable, and kept back by a Cancel
            // shutdown) until it can be sent at once.
            await _callSlots.WaitAsync().ConfigureAwait(false);
            Pending[] batch;
            lock (_lock)
            {
                if (lane.Queue.Count == 0 || _paused)
                {
                    _callSlots.Release();
                    lane.Running = false;
                    if (lane.Queue.Count == 0)
                        _lanes.Remove(lane.Key); // an idle lane is forgotten; a new lane for the key continues its sequence
                    // else parked with its queue: Resume starts its pump again
                    return;
                }
                batch = TakeBatchLocked(lane);
            }
            if (_options.Durable)
            {
                await StoreAsync(grain, lane, batch).ConfigureAwait(false); // releases the call slot
                continue;
            }

            Interlocked.Increment(ref _busy);
            long sentAt = Stopwatch.GetTimestamp();
            var outcome = await DeliverAsync(grain, batch).ConfigureAwait(false);
            long repliedAt = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref _calls);
            Interlocked.Add(ref _calledRequests, batch.Length);
            Interlocked.Decrement(ref _busy);
            _callSlots.Release();

            for (int i = 0; i < batch.Length; i++)
                await FinishAsync(batch[i], outcome.Replies?[i], outcome).ConfigureAwait(false);
            List<Lane>? started;
            lock (_lock)
            {
                // The histograms take one writer at a time: they are recorded under the lock. Each request of a call
                // waited for the whole call (its reply comes with the others).
                foreach (var pending in batch)
                {
                    _queueTime.Record(sentAt - pending.AcceptedAt);
                    _processingTime.Record(repliedAt - sentAt);
                }
                foreach (var pending in batch)
                    ForgetLocked(pending.Key);
                _room.Release(batch.Length);
                started = AdmitWaitersLocked();
                ClearQueueFillIfSettledLocked();
                if (_room.Taken == 0)
                    _idle?.TrySetResult(true);
            }
            StartPumps(started);
        }
    }

    /// <summary>
    /// Takes the lane's next call: its oldest queued requests, up to <see cref="ClusterExecutorOptions.MaxBatchSize"/>
    /// (durable: and up to <see cref="ClusterExecutorOptions.MaxStoredPerGrain"/>, so that a store call can fit).
    /// </summary>
    private Pending[] TakeBatchLocked(Lane lane)
    {
        var batch = new Pending[Math.Min(lane.Queue.Count, _maxCallSize)];
        for (int i = 0; i < batch.Length; i++)
            batch[i] = lane.Queue.Dequeue();
        _queued -= batch.Length;
        return batch;
    }

    /// <summary>Calls the grain until it answers, redelivering the same requests (same sequences) after a failed call.</summary>
    private async Task<Outcome> DeliverAsync(IPartitionGrain grain, Pending[] batch)
    {
        var requests = RequestsOf(batch);
        var (replies, failure, attempts) = await CallWithRedeliveryAsync(() => grain.ExecuteBatchAsync(requests)).ConfigureAwait(false);
        if (replies is not null)
        {
            foreach (var reply in replies)
            {
                if (reply.Replayed)
                    Interlocked.Increment(ref _replayed);
            }
        }
        return new Outcome(replies, failure, attempts);
    }

    /// <summary>The messages of a lane's call: each request with this client's id and its sequence.</summary>
    private ClusterRequest[] RequestsOf(Pending[] batch)
    {
        var requests = new ClusterRequest[batch.Length];
        for (int i = 0; i < batch.Length; i++)
            requests[i] = new ClusterRequest(batch[i].Call.Handler, _client, batch[i].Key, batch[i].Sequence, batch[i].Call.Arguments);
        return requests;
    }

    /// <summary>
    /// Makes a grain call until it answers. A call that fails in a way a retry can cure (<see cref="ClusterFailures"/>: a
    /// silo died, a timeout, a lost connection) is made again, first after <see cref="ClusterExecutorOptions.RedeliveryDelay"/>,
    /// the delay doubling up to 5 s, until <see cref="ClusterExecutorOptions.RedeliveryTimeout"/>; each failed attempt counts
    /// as failed and redelivered. Returns the answer, or the failure that ended the attempts, and how many were made.
    /// </summary>
    private async Task<(T? Answer, Exception? Failure, int Attempts)> CallWithRedeliveryAsync<T>(Func<Task<T>> call)
    {
        long start = Stopwatch.GetTimestamp();
        var delay = _options.RedeliveryDelay;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return (await call().ConfigureAwait(false), null, attempt);
            }
            catch (Exception exception) when (ClusterFailures.IsRedeliverable(exception)
                && Stopwatch.GetElapsedTime(start) + delay < _options.RedeliveryTimeout)
            {
                Interlocked.Increment(ref _failed);
                Interlocked.Increment(ref _redelivered);
                await Task.Delay(delay).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, s_maxRedeliveryDelay.Ticks));
            }
            catch (Exception exception)
            {
                return (default, exception, attempt);
            }
        }
    }

    /// <summary>Completes one request of a call with its <paramref name="reply"/>, or, if the call failed, with the call's failure.</summary>
    private async ValueTask FinishAsync(Pending pending, ClusterReply? reply, Outcome outcome)
    {
        var failure = reply is not null ? reply.Failure : outcome.CallFailure;
        if (failure is null)
        {
            Interlocked.Increment(ref _completed);
            pending.Completion?.TrySetResult(reply!.Result);
            return;
        }

        Interlocked.Increment(ref _failed);
        Interlocked.Increment(ref _deadLettered);
        if (_options.DeadLetters is { } sink)
        {
            try
            {
                var call = pending.Call;
                await sink.WriteAsync(new DeadLetter(call.HandlerName, call.Keyed ? call.Key : null, call.Arguments, failure, outcome.Attempts, DeadLetterReason.Failed), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // A failing sink must not stop the lane; it is counted, as in the in-process executor.
                Interlocked.Increment(ref _deadLetterSinkFailures);
            }
        }
        pending.Completion?.TrySetException(failure);
    }

    /// <summary>A grain's queue: one key's, or with buckets the bucket's keys'. Guarded by <see cref="_lock"/>.</summary>
    private sealed class Lane
    {
        public Lane(string key, string grainKey)
        {
            Key = key;
            GrainKey = grainKey;
        }

        public string Key { get; }

        public string GrainKey { get; }

        public Queue<Pending> Queue { get; } = new();

        /// <summary>A pump is running for this lane.</summary>
        public bool Running { get; set; }
    }

    private sealed class Pending
    {
        public Pending(ClusterCall call, string key, string laneKey, TaskCompletionSource<object?>? completion)
        {
            Call = call;
            Key = key;
            LaneKey = laneKey;
            Completion = completion;
        }

        public ClusterCall Call { get; }

        /// <summary>Its key as text, or for an unkeyed request the unordered lane it was given on arrival.</summary>
        public string Key { get; }

        /// <summary>Its lane: <see cref="Key"/>, or with buckets its bucket.</summary>
        public string LaneKey { get; }

        public TaskCompletionSource<object?>? Completion { get; }

        public long Sequence { get; set; }

        public long AcceptedAt { get; set; }

        /// <summary>Durable <c>SubmitAsync</c> only: completes once the request is stored in its grain.</summary>
        public TaskCompletionSource? Stored { get; set; }

        /// <summary>Durable: when its store call was sent (its queue time ends, its processing time starts).</summary>
        public long SentAt { get; set; }

        /// <summary>Durable: its grain has stored it (guarded by <see cref="_lock"/>).</summary>
        public bool IsStored { get; set; }
    }

    /// <summary>A call's outcome: a reply per request, or the failure of the call itself (then every request's).</summary>
    private readonly record struct Outcome(ClusterReply[]? Replies, Exception? CallFailure, int Attempts);
}
