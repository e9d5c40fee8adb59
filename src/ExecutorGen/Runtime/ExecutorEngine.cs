using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace ExecutorGen.Runtime;

/// <summary>
/// The hand-written engine behind every generated executor: admission against a global capacity (and an
/// optional per-key limit), per-key lanes scheduled onto workers, failure isolation with retries and dead
/// letters, supervision, metrics, backpressure and shutdown. Generated executors are thin typed wrappers.
/// </summary>
/// <remarks>
/// The scheduling state (lanes, ready queue, idle workers, the queued list) is guarded by its scheduler's lock:
/// one for the whole executor, or under PerPartition and PerKey one per worker (a partition, or a shard of the
/// keys). A lock is held only for a few pointer moves per request and never while user code runs. Handlers, sinks
/// and event subscribers are always called outside it.
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
    private volatile int _workerCount; // changed by SetWorkerCount, under _lock
    private readonly int _capacity;
    private readonly int? _maxQueuedPerKey;
    private readonly QueueFullMode _fullMode;
    private readonly Ordering _ordering;
    private readonly int _maxAttempts;
    private readonly TimeSpan _retryBackoff;
    private readonly IDeadLetterSink? _deadLetters;
    private readonly bool _pauseKeyOnDeadLetter;
    private readonly bool _dedicatedThreads;
    private readonly bool _nullKeysUnordered;

    // Each worker has a scheduler of its own (PerPartition, whatever the worker count, so that SetWorkerCount can
    // re-partition); else one serves them all.
    private readonly bool _pinned;

    // PerKey with more than one worker: each worker has a shard of the keys, and takes work from the other shards
    // when its own has none (ExecutorEngine.Sharding).
    private readonly bool _sharded;

    // Whether keyed requests have lanes. Under PerPartition a worker's queue alone keeps each key's order (one
    // worker runs it, first in first out), so lanes are kept only for what needs a key's backlog: a per-key
    // limit, DeadLetterPolicy.PauseKey and batch handlers (a key's batch is taken from its lane). Without them the producer and the workers skip a lane table lookup,
    // insertion and removal per request under the lock.
    private readonly bool _keyedLanes;

    // The engine's lock guards the waiters, the workers list, supervision, backpressure and shutdown; with one
    // scheduler it is also that scheduler's lock. Lock order: the engine's lock before a scheduler's.
    private readonly SyncObject _lock = new();

    // The scheduling state: one scheduler, or under PerPartition and PerKey one per worker (see ExecutorEngine.Scheduler).
    // Under PerPartition SetWorkerCount may replace it by a longer copy (never a shorter one: a retired partition keeps its
    // counts; see ExecutorEngine.Repartition), so an index once valid stays valid and names the same scheduler.
    private Scheduler[] _schedulers;

    // Submitters waiting for room, in arrival order, over all schedulers (guarded by _lock).
    private readonly LinkedList<SubmitWaiter<TKey, TEnvelope>> _waiters = new();

    // One waiter kept for re-use: a producer that keeps the queue full waits without allocating.
    private SubmitWaiter<TKey, TEnvelope>? _spareWaiter;

    // Where the next request without a key starts looking for room under PerPartition.
    private int _unkeyedRoundRobin;

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
        _retryFilter = options.RetryFilter;
        _handlerTimeout = options.HandlerTimeout;
        _deadLetters = options.DeadLetters;
        _pauseKeyOnDeadLetter = options.DeadLetterPolicy == DeadLetterPolicy.PauseKey;
        _dedicatedThreads = options.DedicatedThreads;
        _nullKeysUnordered = options.NullKeys == NullKeys.Unordered;
        _stuckAfter = options.StuckAfter;
        _events = new EventDispatcher(eventSender ?? this);
        _telemetry = ExecutorTelemetry.For(options.MeterFactory);

        // PerPartition gives each worker a scheduler of its own (key → fixed worker), PerKey a shard of the keys (key →
        // any worker, its own first); Unordered, and PerKey with one worker, has one.
        _pinned = _ordering == Ordering.PerPartition;
        _sharded = _ordering == Ordering.PerKey && _workerCount > 1;
        _batching = dispatcher.HasBatchHandlers;
        _keyedLanes = _ordering != Ordering.Unordered && (!_pinned || _maxQueuedPerKey is not null || _pauseKeyOnDeadLetter || _batching);
        _schedulers = new Scheduler[_pinned || _sharded ? _workerCount : 1];
        _activeSchedulers = _schedulers.Length;
        _highWatermark = options.HighWatermark;
        _sharedIdle = _sharded ? new IdleWorkers(shared: true) : null;
        // The shards of PerKey share the capacity: a key's shard is no fixed worker's, so none of them may fill up
        // while the others have room (a hot key would hold up its shard's other keys at admission).
        var sharedRoom = _sharded ? new Room(_capacity, shared: true) : null;
        for (int i = 0; i < _schedulers.Length; i++)
        {
            // Partition shares add up to the capacity (which options validation keeps at or above the worker count),
            // so together they never hold more than the capacity, and no global count is needed. A shard's share
            // is its part of the backpressure watermark only.
            int share = Share(i, _schedulers.Length);
            _schedulers[i] = _sharded ? new SharedLaneScheduler(this, i, sharedRoom!, FillMark(share), new SyncObject(), _sharedIdle!)
                : !_pinned ? new SharedLaneScheduler(this, i, new Room(share, shared: false), FillMark(share), _lock, new IdleWorkers(shared: false))
                : NewPartition(i, share);
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
    /// <exception cref="InvalidOperationException">
    /// Called from inside one of this executor's own handlers for a request that would wait behind that handler (see
    /// ExecutorEngine.OwnHandlers): it would never complete.
    /// </exception>
    public Task<TResult> InvokeAsync<TResult>(TEnvelope envelope, CancellationToken cancellationToken)
    {
        ThrowIfInvokedBehindCallingHandler(envelope);
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
        while (true)
        {
            int layout = Volatile.Read(ref _layout);
            var scheduler = SchedulerFor(hasKey: true, key);
            lock (scheduler.Sync)
            {
                if (layout != _layout)
                    continue; // re-partitioned meanwhile: the key's lane may have moved
                bool resumed = scheduler.ResumeKeyLocked(key);
                scheduler.AssertInvariantsLocked();
                return resumed;
            }
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
    /// The request's partition key as it is scheduled: <see cref="NullKeys.Unordered"/> reads a null key as none.
    /// <see langword="false"/> for a request without a key.
    /// </summary>
    private bool TryGetScheduledKey(in TEnvelope envelope, out TKey key) =>
        _dispatcher.TryGetKey(envelope, out key) && !(_nullKeysUnordered && IsNull(key));

    /// <summary>
    /// Decides a request's admission under its scheduler's lock (with the engine's as well when submitters wait
    /// there, or it must wait itself), then finishes a shed request and reports the admission outside them.
    /// </summary>
    private Admission Admit(in TEnvelope envelope, IRequestCompletion? completion, bool mayWait, out SubmitWaiter<TKey, TEnvelope>? waiter)
    {
        // The key is read before any state changes: a key getter that throws (a null request, say) is
        // the caller's error, reported to the caller, and must leave nothing behind.
        bool hasKey = TryGetScheduledKey(envelope, out var key);
        var parent = CaptureParent();
        long now = Stopwatch.GetTimestamp(); // read outside the lock, which it would only hold longer
        Shed shed = default;
        waiter = null;
        Scheduler scheduler;
        Admission admission;
        while (true)
        {
            // SetWorkerCount may re-partition (PerPartition) between the choice of the scheduler and its lock: the key
            // may then belong elsewhere, so the choice is made again (a layout is changed under every scheduler's lock).
            int layout = Volatile.Read(ref _layout);
            scheduler = SchedulerFor(hasKey, key);
            admission = Admission.MustWait;
            lock (scheduler.Sync)
            {
                if (layout != _layout)
                    continue;
                // Nobody waits here, so there is nobody the request could overtake: the engine's waiters need no look.
                if (scheduler.Room.Waiters == 0)
                {
                    admission = scheduler.AdmitLocked(envelope, hasKey, key, completion, parent, now, mayWait, waiterHoldsKey: false, ref shed);
                    scheduler.AssertInvariantsLocked();
                }
            }
            if (admission == Admission.MustWait)
            {
                // A handler of this executor never waits for room in it: the room may be waiting for the very worker it holds.
                mayWait &= CallingHandlerScope() is null;
                admission = AdmitOrWait(scheduler, layout, envelope, hasKey, key, completion, parent, now, mayWait, ref shed, out waiter);
                if (admission == Admission.Moved)
                    continue;
            }
            break;
        }
        Deliver(shed);
        RecordAdmission(admission, envelope);
        if (admission == Admission.Accepted)
            RaiseQueueFillIfReached(scheduler);
        return admission;
    }

    /// <summary>
    /// Admission with the waiters in view (both locks held): waiters held by their own key's limit may be passed,
    /// but not by a request of the same key (it would overtake that key's earlier request); a request that must
    /// wait joins the waiters. <see cref="Admission.Moved"/>: the executor was re-partitioned since
    /// <paramref name="layout"/>, and the caller chooses the scheduler again.
    /// </summary>
    private Admission AdmitOrWait(Scheduler scheduler, int layout, in TEnvelope envelope, bool hasKey, TKey key, IRequestCompletion? completion, ActivityContext parent, long now, bool mayWait, ref Shed shed, out SubmitWaiter<TKey, TEnvelope>? waiter)
    {
        waiter = null;
        Admission admission;
        bool roomFreed = false;
        lock (_lock)
        {
            if (layout != _layout)
                return Admission.Moved; // re-partitioned since the scheduler was chosen (a layout changes under _lock)
            lock (scheduler.Sync)
            {
                bool waiterHoldsKey = scheduler.Room.Waiters > 0 && WaiterHoldsKeyLocked(hasKey, key);
                admission = scheduler.AdmitLocked(envelope, hasKey, key, completion, parent, now, mayWait, waiterHoldsKey, ref shed);
                if (admission == Admission.MustWait)
                {
                    waiter = Interlocked.Exchange(ref _spareWaiter, null) ?? new SubmitWaiter<TKey, TEnvelope>(this);
                    waiter.Prepare(envelope, hasKey, key, completion, parent, scheduler.Index);
                    roomFreed = scheduler.AddWaiterLocked();
                    _waiters.AddLast(waiter.Node);
                }
                scheduler.AssertInvariantsLocked();
            }
        }
        if (roomFreed)
            AdmitWaiters(worker: null); // a shard's worker freed a place while this one registered (see Room.AddWaiter)
        return admission;
    }

    private bool WaiterHoldsKeyLocked(bool hasKey, TKey key)
    {
        if (!hasKey)
            return false;
        var comparer = EqualityComparer<TKey>.Default;
        for (var node = _waiters.First; node is not null; node = node.Next)
        {
            if (node.Value.HasKey && comparer.Equals(node.Value.Key, key))
                return true;
        }
        return false;
    }

    /// <summary>
    /// The scheduler of a request: the only one, or its key's partition or shard; a request without a key
    /// goes to the next worker in turn that has room (counts read without locks: a hint, re-checked on admission).
    /// </summary>
    private Scheduler SchedulerFor(bool hasKey, TKey key)
    {
        // The count before the array: a re-partitioning publishes a longer array before a larger count.
        int count = _activeSchedulers;
        var schedulers = Volatile.Read(ref _schedulers);
        if (count == 1)
            return schedulers[0];
        if (hasKey)
            return schedulers[PartitionHash.Bucket(key, count)];
        int first = (int)((uint)Interlocked.Increment(ref _unkeyedRoundRobin) % (uint)count);
        // From inside one of this engine's handlers, never the caller's own partition: its worker is busy with the caller,
        // and an InvokeAsync there would wait for it forever (ExecutorEngine.OwnHandlers).
        int avoid = _pinned && CallingHandlerScope() is { } caller ? caller.Worker.Scheduler : -1;
        if (first == avoid)
            first = (first + 1) % count;
        for (int i = 0; i < count; i++)
        {
            var scheduler = schedulers[(first + i) % count];
            if (scheduler.Index != avoid && scheduler.QueuedCount < scheduler.Capacity)
                return scheduler;
        }
        return schedulers[first];
    }

    /// <summary>
    /// Admits waiting submitters, oldest first, wherever there is room (each key's limit included) and a held
    /// queue has drained by its slack. Called by <paramref name="worker"/>, whose take may have made room, holding
    /// no lock; a worker that admitted someone ends its time slice soon (<see cref="WorkerState.AdmittedWaiters"/>).
    /// Under sharded PerKey also by a submitter that saw a place freed while it registered (no worker).
    /// </summary>
    private void AdmitWaiters(WorkerState? worker)
    {
        lock (_lock)
        {
            long now = Stopwatch.GetTimestamp();
            for (var node = _waiters.First; node is not null;)
            {
                var next = node.Next;
                var waiter = node.Value;
                var scheduler = _schedulers[waiter.Scheduler];
                lock (scheduler.Sync)
                {
                    if (scheduler.TryAdmitWaiterLocked(waiter, now))
                    {
                        _waiters.Remove(node);
                        waiter.Admit(); // its caller's code runs asynchronously, not under the lock
                        if (worker is not null)
                            worker.AdmittedWaiters = true;
                    }
                    scheduler.AssertInvariantsLocked();
                }
                node = next;
            }
            RaiseQueueFillIfOverLocked();
        }
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
            var scheduler = _schedulers[waiter.Scheduler];
            lock (scheduler.Sync)
                scheduler.RemoveWaiterLocked();
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

        /// <summary>Not decided: re-partitioned since the scheduler was chosen (never leaves <c>Admit</c>).</summary>
        Moved,
    }
}
