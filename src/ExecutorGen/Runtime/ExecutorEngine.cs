using System;
using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace ExecutorGen.Runtime;

/// <summary>
/// The hand-written engine behind every generated executor: admission against a global capacity,
/// routing by partition key, async workers, failure isolation with retries and dead letters, metrics,
/// backpressure and shutdown. Generated executors are thin typed wrappers over it.
/// </summary>
/// <typeparam name="TKey">The partition key type.</typeparam>
/// <typeparam name="TEnvelope">The generated request envelope.</typeparam>
/// <typeparam name="TDispatcher">The generated dispatcher; a struct, so its calls are devirtualised.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher> : IAsyncDisposable
    where TDispatcher : struct, IRequestDispatcher<TKey, TEnvelope>
{
    private readonly TDispatcher _dispatcher;
    private readonly string _name;
    private readonly int _capacity;
    private readonly QueueFullMode _fullMode;
    private readonly Ordering _ordering;
    private readonly int _maxAttempts;
    private readonly TimeSpan _retryBackoff;
    private readonly IDeadLetterSink? _deadLetters;

    // Queue i is read by worker i. Under Ordering.Unordered every slot holds the same shared queue.
    private readonly Channel<Entry>[] _queues;
    private readonly WorkerState[] _workers;
    private readonly Task[] _workerTasks;

    // One slot per accepted request that has not started: taken at admission, given back at dequeue.
    private readonly SemaphoreSlim _slots;

    // Cancelled when shutdown begins: wakes submitters waiting for a slot so they are refused.
    private readonly CancellationTokenSource _acceptingStopped = new();

    // Cancelled by a Cancel shutdown (or a timed-out Drain): the token every handler receives.
    private readonly CancellationTokenSource _handlersCancelled = new();

    private readonly ConcurrentQueue<UnprocessedRequest> _unprocessed = new();
    private int _roundRobin;

    // Set (before _handlersCancelled is cancelled) when queued requests must no longer start.
    private volatile bool _cancelQueued;
    private volatile bool _stopping;

    /// <summary>Creates the engine and starts its workers.</summary>
    /// <param name="dispatcher">The generated dispatcher.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults. Validated and copied.</param>
    /// <param name="executorName">The executor's name, for metrics and diagnostics.</param>
    /// <param name="eventSender">The <c>sender</c> of <c>BackpressureChanged</c> (the generated executor).</param>
    public ExecutorEngine(TDispatcher dispatcher, ExecutorOptions? options, string executorName, object? eventSender = null)
    {
        options ??= new ExecutorOptions();
        options.Validate();
        _dispatcher = dispatcher;
        _name = executorName ?? throw new ArgumentNullException(nameof(executorName));
        _capacity = options.EffectiveCapacity;
        _fullMode = options.FullMode;
        _ordering = options.Ordering;
        _maxAttempts = options.MaxAttempts;
        _retryBackoff = options.RetryBackoff;
        _deadLetters = options.DeadLetters;
        _highWatermark = options.HighWatermark * _capacity;
        _lowWatermark = options.LowWatermark * _capacity;
        _notifier = new BackpressureNotifier(eventSender ?? this);
        _slots = new SemaphoreSlim(_capacity, _capacity);

        int workerCount = options.WorkerCount;
        _queues = new Channel<Entry>[workerCount];
        _workers = new WorkerState[workerCount];
        _workerTasks = new Task[workerCount];
        Channel<Entry>? shared = _ordering == Ordering.Unordered ? NewQueue() : null;
        for (int i = 0; i < workerCount; i++)
        {
            _queues[i] = shared ?? NewQueue();
            _workers[i] = new WorkerState(i);
        }
        for (int i = 0; i < workerCount; i++)
        {
            var worker = _workers[i];
            var reader = _queues[i].Reader;
            _workerTasks[i] = Task.Run(() => RunWorkerAsync(worker, reader));
        }

        // Capacity is enforced by _slots, so the queues themselves are unbounded. SingleReader is false
        // because shutdown drains queues concurrently with their workers.
        static Channel<Entry> NewQueue() =>
            Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    }

    /// <summary>The executor's name.</summary>
    public string Name => _name;

    /// <summary>Accepts a request; under <see cref="QueueFullMode.Wait"/> waits for room.</summary>
    /// <exception cref="RequestRejectedException">Full under <see cref="QueueFullMode.Reject"/>, or shutting down.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the request was accepted.</exception>
    public ValueTask SubmitAsync(TEnvelope envelope, CancellationToken cancellationToken) =>
        AdmitAsync(envelope, null, cancellationToken);

    /// <summary>Accepts a request if that needs no waiting; <see langword="false"/> when full or shutting down.</summary>
    public bool TrySubmit(TEnvelope envelope)
    {
        bool hasKey = _dispatcher.TryGetKey(envelope, out var key);
        if (_stopping || !_slots.Wait(0))
        {
            CountRejected();
            return false;
        }
        if (Enqueue(envelope, hasKey, key, null))
            return true;
        CountRejected();
        return false;
    }

    /// <summary>Accepts a request and completes when its void-like handler has run.</summary>
    public Task InvokeAsync(TEnvelope envelope, CancellationToken cancellationToken) =>
        InvokeAsync<VoidResult>(envelope, cancellationToken);

    /// <summary>
    /// Accepts a request and completes with its handler's result, or faults with the handler's own
    /// exception once its attempts are used up; cancelled if shutdown stops it before it runs.
    /// </summary>
    public Task<TResult> InvokeAsync<TResult>(TEnvelope envelope, CancellationToken cancellationToken)
    {
        var completion = new RequestCompletion<TResult>();
        var admission = AdmitAsync(envelope, completion, cancellationToken);
        if (admission.IsCompletedSuccessfully)
            return completion.Task;
        return AwaitAdmissionAsync(admission, completion);

        static async Task<TResult> AwaitAdmissionAsync(ValueTask admission, RequestCompletion<TResult> completion)
        {
            await admission.ConfigureAwait(false);
            return await completion.Task.ConfigureAwait(false);
        }
    }

    /// <summary>Same as <see cref="ShutdownAsync"/> with <see cref="ShutdownMode.Drain"/> and no timeout.</summary>
    public async ValueTask DisposeAsync() => await ShutdownAsync(ShutdownMode.Drain).ConfigureAwait(false);

    private ValueTask AdmitAsync(TEnvelope envelope, IRequestCompletion? completion, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return new ValueTask(Task.FromCanceled(cancellationToken));
        // The key is read before a slot is taken: a key getter that throws (a null request, say) is the
        // caller's error, reported to the caller, and must not leak a slot.
        bool hasKey = _dispatcher.TryGetKey(envelope, out var key);
        if (_stopping)
            return Refuse(RejectionReason.ShuttingDown);
        if (_slots.Wait(0))
            return Enqueue(envelope, hasKey, key, completion) ? default : Refuse(RejectionReason.ShuttingDown);
        if (_fullMode == QueueFullMode.Reject)
            return Refuse(RejectionReason.Full);
        return WaitForSlotAsync(envelope, hasKey, key, completion, cancellationToken);
    }

    private async ValueTask WaitForSlotAsync(TEnvelope envelope, bool hasKey, TKey key, IRequestCompletion? completion, CancellationToken cancellationToken)
    {
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _acceptingStopped.Token))
        {
            try
            {
                await _slots.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                CountRejected();
                throw new RequestRejectedException(RejectionReason.ShuttingDown);
            }
        }
        if (!Enqueue(envelope, hasKey, key, completion))
        {
            CountRejected();
            throw new RequestRejectedException(RejectionReason.ShuttingDown);
        }
    }

    private ValueTask Refuse(RejectionReason reason)
    {
        CountRejected();
        return new ValueTask(Task.FromException(new RequestRejectedException(reason)));
    }

    /// <summary>
    /// Queues a request whose slot is already held. Acceptance is decided by the queue write alone:
    /// it fails only once shutdown has completed the queues, and then the slot is given back.
    /// </summary>
    private bool Enqueue(in TEnvelope envelope, bool hasKey, TKey key, IRequestCompletion? completion)
    {
        var queue = _queues[SelectWorker(hasKey, key)];

        // Counted before the write so that a worker can never finish a request that is not yet counted.
        Interlocked.Increment(ref _submitted);
        long depth = Interlocked.Increment(ref _queued);
        if (queue.Writer.TryWrite(new Entry(envelope, key, hasKey, completion, Stopwatch.GetTimestamp())))
        {
            _arrivals.Record();
            OnQueueDepthChanged(depth);
            return true;
        }

        Interlocked.Decrement(ref _submitted);
        Interlocked.Decrement(ref _queued);
        _slots.Release();
        return false;
    }

    private int SelectWorker(bool hasKey, TKey key)
    {
        int workers = _queues.Length;
        if (workers == 1 || _ordering == Ordering.Unordered)
            return 0;
        // Ordering.PerKey runs as PerPartition in this version: same guarantee, key pinned to one worker.
        if (hasKey)
            return PartitionHash.Bucket(key, workers);
        return (int)((uint)Interlocked.Increment(ref _roundRobin) % (uint)workers);
    }

    private void CountRejected() => Interlocked.Increment(ref _rejected);

    /// <summary>A queued request.</summary>
    private readonly struct Entry
    {
        public Entry(TEnvelope envelope, TKey key, bool hasKey, IRequestCompletion? completion, long enqueuedAt)
        {
            Envelope = envelope;
            Key = key;
            HasKey = hasKey;
            Completion = completion;
            EnqueuedAt = enqueuedAt;
        }

        public TEnvelope Envelope { get; }
        public TKey Key { get; }
        public bool HasKey { get; }
        public IRequestCompletion? Completion { get; }
        public long EnqueuedAt { get; }
    }
}
