using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Threading;
using System.Threading.Tasks;

namespace ExecutorGen.Runtime;

/// <summary>
/// The hand-written engine behind every generated executor: admission against a global capacity (and an
/// optional per-key limit), per-key lanes scheduled onto workers, failure isolation with retries and dead
/// letters, supervision, metrics, backpressure and shutdown. Generated executors are thin typed wrappers.
/// </summary>
/// <remarks>
/// One lock guards the scheduling state (lanes, ready queues, idle workers, waiters, the queued list); it
/// is held only for a few pointer moves per request and never while user code runs. Handlers, sinks and
/// event subscribers are always called outside it.
/// </remarks>
/// <typeparam name="TKey">The partition key type.</typeparam>
/// <typeparam name="TEnvelope">The generated request envelope.</typeparam>
/// <typeparam name="TDispatcher">The generated dispatcher; a struct, so its calls are devirtualised.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher> : IAsyncDisposable, ISubmitWaiterOwner<TKey, TEnvelope>
    where TDispatcher : struct, IRequestDispatcher<TKey, TEnvelope>
{
    private readonly TDispatcher _dispatcher;
    private readonly string _name;
    private readonly int _workerCount;
    private readonly int _capacity;
    private readonly int? _maxQueuedPerKey;
    private readonly QueueFullMode _fullMode;
    private readonly Ordering _ordering;
    private readonly int _maxAttempts;
    private readonly TimeSpan _retryBackoff;
    private readonly IDeadLetterSink? _deadLetters;
    private readonly bool _pauseKeyOnDeadLetter;
    private readonly bool _dedicatedThreads;

    // Each worker has a queue of its own (PerPartition with more than one worker): see ExecutorEngine.Scheduling.
    private readonly bool _pinned;

    // Whether keyed requests have lanes. Under PerPartition a worker's queue alone keeps each key's order (one
    // worker runs it, first in first out), so lanes are kept only for what needs a key's backlog: a per-key
    // limit and DeadLetterPolicy.PauseKey. Without them the producer and the workers skip a lane table lookup,
    // insertion and removal per request under the lock.
    private readonly bool _keyedLanes;

    // Under PerPartition, the most a worker's queue holds: its share of the capacity, so a hot partition makes its
    // own submitters wait, not everyone's.
    private readonly int _partitionCapacity;

#if NET9_0_OR_GREATER
    private readonly Lock _lock = new();
#else
    private readonly object _lock = new();
#endif

    // One waiter kept for re-use: a producer that keeps the queue full waits without allocating.
    private SubmitWaiter<TKey, TEnvelope>? _spareWaiter;

    /// <summary>Creates the engine and starts its workers.</summary>
    /// <param name="dispatcher">The generated dispatcher.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults. Validated and copied.</param>
    /// <param name="executorName">The executor's name, for metrics, thread names and diagnostics.</param>
    /// <param name="eventSender">The <c>sender</c> of the executor's events (the generated executor).</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid; the exception names it.</exception>
    public ExecutorEngine(TDispatcher dispatcher, ExecutorOptions? options, string executorName, object? eventSender = null)
    {
        options ??= new ExecutorOptions();
        options.Validate();
        _dispatcher = dispatcher;
        _name = executorName ?? throw new ArgumentNullException(nameof(executorName));
        _workerCount = options.WorkerCount;
        _capacity = options.EffectiveCapacity;
        _maxQueuedPerKey = options.EffectiveMaxQueuedPerKey;
        _fullMode = options.FullMode;
        _ordering = options.Ordering;
        _maxAttempts = options.MaxAttempts;
        _retryBackoff = options.RetryBackoff;
        _deadLetters = options.DeadLetters;
        _pauseKeyOnDeadLetter = options.DeadLetterPolicy == DeadLetterPolicy.PauseKey;
        _dedicatedThreads = options.DedicatedThreads;
        _stuckAfter = options.StuckAfter;
        _events = new EventDispatcher(eventSender ?? this);
        _telemetry = ExecutorTelemetry.For(options.MeterFactory);

        // PerPartition gives each worker its own ready queue (key → fixed worker); the other modes share one.
        int readyQueues = _ordering == Ordering.PerPartition ? _workerCount : 1;
        _pinned = readyQueues > 1;
        _keyedLanes = _ordering != Ordering.Unordered && (!_pinned || _maxQueuedPerKey is not null || _pauseKeyOnDeadLetter);
        _partitionQueued = new int[_pinned ? readyQueues : 0];
        _partitionCapacity = (_capacity + readyQueues - 1) / readyQueues;
        _partitionHeld = new bool[_partitionQueued.Length];
        _capacitySlack = Math.Max(1, _capacity / 8);
        _partitionSlack = Math.Max(1, _partitionCapacity / 8);
        _ready = new ReadyQueue[readyQueues];
        _idle = new Stack<WorkerState>[readyQueues];
        for (int i = 0; i < readyQueues; i++)
        {
            _ready[i] = new ReadyQueue();
            _idle[i] = new Stack<WorkerState>();
        }

        _backpressure = new BackpressureMonitor(options, _workerCount, MergeQueueTimesLocked);
        // Workers and the timer must not inherit the constructing code's async-local state (its Activity above
        // all, which would become the parent of every execution), so they start without its ExecutionContext.
        using (ExecutionContext.SuppressFlow())
        {
            lock (_lock)
            {
                for (int i = 0; i < _workerCount; i++)
                    StartWorkerLocked(isReplacement: false);
            }
            _timer = StartTimer();
        }
        _telemetry.Register(this);
    }

    /// <summary>Accepts a request; under <see cref="QueueFullMode.Wait"/> waits for room.</summary>
    /// <exception cref="RequestRejectedException">Full under <see cref="QueueFullMode.Reject"/>, or shutting down.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the request was accepted.</exception>
    public ValueTask SubmitAsync(TEnvelope envelope, CancellationToken cancellationToken) =>
        AdmitAsync(envelope, null, cancellationToken);

    /// <summary>
    /// Accepts a request if that needs no waiting. <see langword="false"/> when it was not queued: full under
    /// <see cref="QueueFullMode.Wait"/> or <see cref="QueueFullMode.Reject"/>, shed under
    /// <see cref="QueueFullMode.DropNewest"/>, or shutting down.
    /// </summary>
    public bool TrySubmit(TEnvelope envelope) => Admit(envelope, null, mayWait: false, out _) == Admission.Accepted;

    /// <summary>Accepts a request and completes when its void-like handler has run.</summary>
    public Task InvokeAsync(TEnvelope envelope, CancellationToken cancellationToken) =>
        InvokeAsync<VoidResult>(envelope, cancellationToken);

    /// <summary>
    /// Accepts a request and completes with its handler's result, or faults with the handler's own
    /// exception once its attempts are used up; cancelled if shutdown stops it before or while it runs.
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

    /// <summary>
    /// Resumes a key paused after a dead letter (<see cref="DeadLetterPolicy.PauseKey"/>): its queued requests
    /// run again, in order. <see langword="false"/> when the key was not paused.
    /// </summary>
    public bool ResumeKey(TKey key)
    {
        lock (_lock)
        {
            var lane = FindLaneLocked(key);
            if (lane is null || !lane.Paused)
                return false;
            lane.Paused = false;
            _pausedKeys--;
            if (lane.Head is null)
                ReleaseLaneIfUnusedLocked(lane);
            else if (_pinned)
                EnqueueLanePinnedLocked(lane);
            else
                MakeReadyLocked(lane);
            AssertInvariantsLocked();
            return true;
        }
    }

    /// <summary>Same as <see cref="ShutdownAsync"/> with <see cref="ShutdownMode.Drain"/> and no timeout.</summary>
    public async ValueTask DisposeAsync() => await ShutdownAsync(ShutdownMode.Drain).ConfigureAwait(false);

    private ValueTask AdmitAsync(TEnvelope envelope, IRequestCompletion? completion, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
            return new ValueTask(Task.FromCanceled(cancellationToken));

        var admission = Admit(envelope, completion, mayWait: true, out var waiter);

        switch (admission)
        {
            case Admission.Accepted:
            case Admission.ShedIncoming:
                return default;
            case Admission.MustWait:
                return WaitForRoomAsync(waiter!, cancellationToken);
            default:
                return new ValueTask(Task.FromException(new RequestRejectedException(
                    admission == Admission.Closed ? RejectionReason.ShuttingDown : RejectionReason.Full)));
        }
    }

    /// <summary>
    /// Decides a request's admission under the lock (registering a waiter when it must wait), then finishes
    /// a shed request and reports the admission outside it.
    /// </summary>
    private Admission Admit(in TEnvelope envelope, IRequestCompletion? completion, bool mayWait, out SubmitWaiter<TKey, TEnvelope>? waiter)
    {
        // The key is read before any state changes: a key getter that throws (a null request, say) is
        // the caller's error, reported to the caller, and must leave nothing behind.
        bool hasKey = _dispatcher.TryGetKey(envelope, out var key);
        var parent = CaptureParent();
        Admission admission;
        Shed shed = default;
        waiter = null;
        lock (_lock)
        {
            admission = AdmitLocked(envelope, hasKey, key, completion, parent, mayWait, ref shed);
            if (admission == Admission.MustWait)
            {
                waiter = Interlocked.Exchange(ref _spareWaiter, null) ?? new SubmitWaiter<TKey, TEnvelope>(this);
                waiter.Prepare(envelope, hasKey, key, completion, parent);
                _waiters.AddLast(waiter.Node);
            }
            AssertInvariantsLocked();
        }
        Deliver(shed);
        RecordAdmission(admission, envelope);
        return admission;
    }

    /// <summary>Counts a refusal, and reports the admission to the meter (outside the lock: listeners are user code).</summary>
    private void RecordAdmission(Admission admission, in TEnvelope envelope)
    {
        switch (admission)
        {
            case Admission.Accepted:
                Record(_telemetry.Submitted, envelope);
                break;
            case Admission.ShedIncoming:
                Record(_telemetry.Submitted, envelope); // and Dropped, by Deliver
                break;
            case Admission.Closed:
            case Admission.Refused:
                CountRejected(envelope);
                break;
        }
    }


    private ValueTask WaitForRoomAsync(SubmitWaiter<TKey, TEnvelope> waiter, CancellationToken cancellationToken)
    {
        // Registered after the waiter joined the list (it may even be admitted already): harmless, since the
        // callback acts only on a waiter still in the list, and the registration is disposed before re-use.
        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.UnsafeRegister(static (state, token) =>
            {
                var waiting = (SubmitWaiter<TKey, TEnvelope>)state!;
                waiting.Owner.CancelWaiter(waiting, token);
            }, waiter);
        }
        return waiter.Wait;
    }

    void ISubmitWaiterOwner<TKey, TEnvelope>.CancelWaiter(SubmitWaiter<TKey, TEnvelope> waiter, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (waiter.Node.List is null)
                return; // admitted or refused already
            _waiters.Remove(waiter.Node);
            ReleaseHoldsIfNobodyWaitsLocked();
        }
        waiter.Fail(new OperationCanceledException(cancellationToken));
    }

    /// <summary>
    /// The caller has observed its wait: an admission is reported to the meter (outside the lock, on the
    /// caller's thread), and the waiter is kept for the next wait. Its cancellation registration is
    /// disposed first, which also waits out a callback already running, so no callback of this use can
    /// reach the waiter's next one.
    /// </summary>
    void ISubmitWaiterOwner<TKey, TEnvelope>.OnWaitObserved(SubmitWaiter<TKey, TEnvelope> waiter, bool admitted)
    {
        if (admitted)
            Record(_telemetry.Submitted, waiter.Envelope);
        waiter.Registration.Dispose();
        waiter.Reset();
        Volatile.Write(ref _spareWaiter, waiter);
    }

    private void CountRejected(in TEnvelope envelope)
    {
        Interlocked.Increment(ref _rejected);
        Record(_telemetry.Rejected, envelope);
    }

    private enum Admission
    {
        Accepted,
        MustWait,
        Refused,
        ShedIncoming,
        Closed,
    }
}
