using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace ExecutorGen.Runtime;

public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher>
{
    /// <summary>
    /// The scheduling state behind one lock, and the operations on it: admit, take, finish, requeue, resume, remove.
    /// Under Unordered (and PerKey with one worker) one scheduler serves the whole executor (its lock is the engine's); under
    /// PerPartition each worker has one for its partition, and under PerKey each worker has a shard of the keys, each
    /// with a lock of its own, so a producer contends only with the workers of the key it submits, as with a channel
    /// per worker, and never waits on another partition's or shard's lock (see ExecutorEngine.Sharding).
    /// </summary>
    /// <remarks>
    /// Two kinds: a <see cref="LaneScheduler"/> keeps a lane per key (<see cref="SharedLaneScheduler"/> for PerKey and
    /// Unordered, <see cref="PartitionLaneScheduler"/> for PerPartition with a per-key limit or PauseKey); a
    /// <see cref="PartitionScheduler"/> is a worker's FIFO and nothing else (PerPartition otherwise). This base holds what they share: the admission rules and the full modes, the room
    /// kept for waiting submitters, the counts, and the idle worker list. Members named *Locked must be called with
    /// <see cref="Sync"/> held. Invariants common to both: a queued request can be started from exactly one place;
    /// admission keeps the queue at or below <see cref="Capacity"/> (a faulted worker's request may come back over
    /// it); an idle worker is in the idle stack exactly while it waits, so a wake-up is never lost.
    /// </remarks>
    private abstract partial class Scheduler
    {
        protected readonly ExecutorEngine<TKey, TEnvelope, TDispatcher> Engine;

        // Its own idle workers (guarded by Sync), or under sharded PerKey every shard's (guarded by its own lock).
        private readonly IdleWorkers _idle;

        // Counts of this scheduler; written under Sync, whole (Volatile), for lock-free snapshots that add up every
        // scheduler's. A plain increment does: nothing else writes them.
        protected int _queued;
        private int _running;
        protected int _pausedKeys;
        private long _submitted;
        private long _completed;

        protected Scheduler(ExecutorEngine<TKey, TEnvelope, TDispatcher> engine, int index, Room room, int fillMark, SyncObject sync, IdleWorkers idle)
        {
            Engine = engine;
            _idle = idle;
            Index = index;
            Room = room;
            FillMark = fillMark;
            Sync = sync;
        }

        public SyncObject Sync { get; }

        /// <summary>Its place in the engine's schedulers (under PerPartition, its worker's id).</summary>
        public int Index { get; }

        /// <summary>
        /// Where it admits requests: a room of its own (the capacity, or under PerPartition its partition's share), or
        /// under sharded PerKey the room all shards share (the capacity).
        /// </summary>
        public Room Room { get; }

        /// <summary>The most requests it holds queued.</summary>
        public int Capacity => Room.Capacity;

        /// <summary>
        /// Its share of the backpressure high watermark: the whole queue cannot reach the watermark without some
        /// scheduler reaching its share, so only then does an admission add the queues up.
        /// </summary>
        public int FillMark { get; private set; }

        public int QueuedCount => Volatile.Read(ref _queued);

        public int RunningCount => Volatile.Read(ref _running);

        public int PausedKeyCount => Volatile.Read(ref _pausedKeys);

        public long SubmittedCount => Volatile.Read(ref _submitted);

        public long CompletedCount => Volatile.Read(ref _completed);

        /// <summary>
        /// Decides an admission: accepted (queued as of <paramref name="enqueuedAt"/>), or what the full mode says.
        /// <paramref name="waiterHoldsKey"/>: an earlier waiter has the same key, which a new request must not
        /// overtake. <see cref="Admission.MustWait"/> changes nothing: the caller registers the waiter
        /// (<see cref="AddWaiterLocked"/>).
        /// </summary>
        public Admission AdmitLocked(in TEnvelope envelope, bool hasKey, TKey key, IRequestCompletion? completion, ActivityContext parent, long enqueuedAt, bool mayWait, bool waiterHoldsKey, ref Shed shed)
        {
            if (Engine._state != EngineState.Running)
                return Admission.Closed;

            bool keyFull = KeyFullLocked(hasKey, key, out var lane);
            if (!keyFull && !waiterHoldsKey && Room.TryTakeForNewcomer())
            {
                EnqueueLocked(envelope, hasKey, key, lane, completion, parent, enqueuedAt);
                return Admission.Accepted;
            }

            switch (Engine._fullMode)
            {
                case QueueFullMode.Wait:
                    return mayWait ? Admission.MustWait : Admission.Refused;
                case QueueFullMode.Reject:
                    return Admission.Refused;
                case QueueFullMode.DropNewest:
                    CountSubmittedLocked();
                    shed = Drop(envelope, hasKey, key, completion);
                    return Admission.ShedIncoming;
                default:
                    // DropOldest: the key's oldest at its limit, else the oldest here; the newcomer takes its place.
                    // Under sharded PerKey the other shards may hold the whole capacity: with nothing queued here,
                    // the newcomer is the one shed.
                    if (!keyFull && _queued == 0)
                        goto case QueueFullMode.DropNewest;
                    shed = ShedOldestLocked(keyFull ? lane : null);
                    // The shed request may have been the lane's last one, releasing the lane: look it up again.
                    EnqueueLocked(envelope, hasKey, key, lane: null, completion, parent, enqueuedAt);
                    return Admission.Accepted;
            }
        }

        /// <summary>
        /// A submitter waits for room here (the caller adds it to the engine's waiter list). Returns whether a place
        /// was freed meanwhile in another shard (see <see cref="Room.AddWaiter"/>): the caller then admits waiters.
        /// </summary>
        public bool AddWaiterLocked() => Room.AddWaiter();

        /// <summary>A waiter left without being admitted (cancelled). With nobody left waiting, nothing is held.</summary>
        public void RemoveWaiterLocked() => Room.RemoveWaiter();

        /// <summary>Shutdown refused every waiter.</summary>
        public void ClearWaitersLocked() => Room.ClearWaiters();

        /// <summary>
        /// Admits a waiter (as of <paramref name="now"/>) if there is room for it, its key's limit included, and a
        /// held queue has drained by its slack; the caller removes it from the engine's list and completes it.
        /// </summary>
        public bool TryAdmitWaiterLocked(SubmitWaiter<TKey, TEnvelope> waiter, long now)
        {
            if (!Room.MayAdmitWaiter() || KeyFullLocked(waiter.HasKey, waiter.Key, out var lane) || !Room.TryTakeForWaiter())
                return false;
            RemoveWaiterLocked();
            EnqueueLocked(waiter.Envelope, waiter.HasKey, waiter.Key, lane, waiter.Completion, waiter.Parent, now);
            return true;
        }

        /// <summary>
        /// Takes the worker's next request (as of <paramref name="now"/>), or registers it as idle, or ends it.
        /// <paramref name="waitersMayEnter"/>: the take may have made room for a waiter here, so the caller runs the
        /// engine's waiters once out of this lock.
        /// </summary>
        public Step NextStepLocked(WorkerState worker, long now, out QueuedRequest? request, out bool waitersMayEnter)
        {
            Debug.Assert(_idle.Sync is null, "a scheduler of its own workers");
            request = null;
            waitersMayEnter = false;
            if ((worker.IsReplacement && !Engine.ReplacementStillNeededLocked()) || RetiresNowLocked(worker))
            {
                worker.IsRetired = true;
                // It may have been woken for work: hand that wake-up on, or the work would wait for a later one.
                if (HasReadyLocked)
                    WakeOneLocked();
                return Step.Exit;
            }
            if (TryStartLocked(worker, now, out request, out waitersMayEnter))
                return Step.Run;
            if (Engine._state != EngineState.Running && _running == 0 && !FenceKeepsWorkerLocked)
            {
                worker.IsRetired = true;
                return Step.Exit;
            }
            _idle.Push(worker);
            return Step.Wait;
        }

        /// <summary>
        /// Starts the next request here on <paramref name="worker"/> (as of <paramref name="now"/>), if one is ready.
        /// <paramref name="waitersMayEnter"/>: the take may have made room for a waiter here, so the caller runs the
        /// engine's waiters once out of this lock.
        /// </summary>
        public bool TryStartLocked(WorkerState worker, long now, out QueuedRequest? request, out bool waitersMayEnter)
        {
            request = null;
            waitersMayEnter = false;
            if (Engine._paused || MayNotStartLocked(worker) || !TryTakeLocked(out var taken))
                return false;
            Room.Release(); // with a full barrier when shared: see Room.AddWaiter
            taken.State = RequestState.Running;
            taken.StartedAt = now;
            if (Engine._batching)
                TakeBatchLocked(taken, now);
            worker.Started(now, Index); // its queue time is recorded by the worker itself, outside the lock
            Volatile.Write(ref _running, _running + 1);
            request = taken;
            waitersMayEnter = Room.WaitersMayEnter;
            return true;
        }

        /// <summary>Wakes the idle workers of its own list (a list the shards share is the engine's to wake).</summary>
        public void WakeIdleLocked()
        {
            if (_idle.Sync is null)
                _idle.WakeAll();
        }

        /// <summary>Intake is closed and nothing here runs or is ready to: nothing can become ready here again.</summary>
        public bool IsDrainedLocked => Engine._state != EngineState.Running && _running == 0 && !HasReadyLocked;

        /// <summary>A request has finished: its outcome and times are booked, and what it held is released.</summary>
        public void FinishLocked(WorkerState worker, QueuedRequest request, Outcome outcome)
        {
            if (outcome == Outcome.Completed)
                Volatile.Write(ref _completed, _completed + request.BatchSize);
            worker.Finished(request.FinishedAt, request.BatchSize);
            worker.IsStuck = false; // the request it may have been stuck on has returned
            Volatile.Write(ref _running, _running - 1);
            ReleaseFinishedLocked(request, deadLettered: outcome == Outcome.DeadLettered);
            WakeAllIfStoppingAndDoneLocked();
        }

        /// <summary>
        /// A faulted worker's request (or batch) goes back at the head of its key's queue, so it runs again, in order,
        /// and is never lost.
        /// </summary>
        public void RequeueAfterFaultLocked(WorkerState worker, QueuedRequest request)
        {
            worker.IsStuck = false;
            Volatile.Write(ref _running, _running - 1);
            // A batch's requests go back last first, each at the head, which leaves them in their order.
            for (var item = LastFirst(request); item is not null;)
            {
                var next = item.NextInBatch;
                item.NextInBatch = null;
                Room.TakeAnyway();
                RequeueAtHeadLocked(item);
                item = next;
            }
            WakeAllIfStoppingAndDoneLocked();
        }

        /// <summary>Takes every queued request out of play into <paramref name="into"/>, oldest first; paused keys are released.</summary>
        public void RemoveAllQueuedLocked(List<Unstarted> into)
        {
            int before = into.Count;
            RemoveAllLocked(into);
            Room.Release(into.Count - before);
            Volatile.Write(ref _pausedKeys, 0);
            WakeAllIfStoppingAndDoneLocked();
        }

        /// <summary>
        /// Once intake is closed and nothing runs, nothing can become ready again: every idle worker ends. Under
        /// sharded PerKey that takes every shard's look, which the engine makes out of this lock (WakeAllIfAllShardsDrained).
        /// </summary>
        public void WakeAllIfStoppingAndDoneLocked()
        {
            if (_idle.Sync is not null || Engine._state == EngineState.Running || _running != 0)
                return;
            _idle.WakeAll();
        }

        /// <summary>Lanes held (a lane scheduler's), for tests of bounded memory.</summary>
        public virtual int LaneCountLocked => 0;

        /// <summary>Resumes a key paused after a dead letter; <see langword="false"/> when it was not paused.</summary>
        public virtual bool ResumeKeyLocked(TKey key) => false;

        /// <summary>Queues a replayed dead letter of a paused key at the head of its lane (see <see cref="LaneScheduler"/>); without lanes, never.</summary>
        public virtual bool TryEnqueueAtPausedHeadLocked(in TEnvelope envelope, TKey key, IRequestCompletion? completion, ActivityContext parent, long enqueuedAt) => false;

        /// <summary>Counts the queued requests per key, for the hot keys of a snapshot.</summary>
        public abstract void CountKeysLocked(KeyBacklogCounter backlogs);

        /// <summary>Whether the key's queued requests are at the per-key limit; <paramref name="lane"/> is the key's lane if it has one.</summary>
        protected abstract bool KeyFullLocked(bool hasKey, TKey key, out Lane? lane);

        // lane: the key's lane if the caller has just looked it up (one lookup less), else null.
        protected abstract void EnqueueLocked(in TEnvelope envelope, bool hasKey, TKey key, Lane? lane, IRequestCompletion? completion, ActivityContext parent, long enqueuedAt);

        /// <summary>DropOldest: sheds the oldest queued request of <paramref name="keyLane"/>, or of the whole queue when null.</summary>
        protected abstract Shed ShedOldestLocked(Lane? keyLane);

        protected abstract bool HasReadyLocked { get; }

        /// <summary>Takes the next request to start, out of the queue; the base marks it running.</summary>
        protected abstract bool TryTakeLocked(out QueuedRequest request);

        /// <summary>A finished request's key moves on (or pauses, or is released), and the request is pooled or cleared.</summary>
        protected abstract void ReleaseFinishedLocked(QueuedRequest request, bool deadLettered);

        protected abstract void RequeueAtHeadLocked(QueuedRequest request);

        protected abstract void RemoveAllLocked(List<Unstarted> into);

        protected void CountSubmittedLocked() => Volatile.Write(ref _submitted, _submitted + 1);

        /// <summary>
        /// Wakes an idle worker for work just made ready here. A shared idle list is looked at under this lock: a
        /// worker registers there before it looks at this scheduler under this lock again, so it either sees the
        /// work or is seen here (ExecutorEngine.Sharding).
        /// </summary>
        protected void WakeOneLocked()
        {
            if (_idle.Sync is null)
            {
                _idle.WakeOne();
                return;
            }
            if (_idle.Count == 0)
                return;
            lock (_idle.Sync)
                _idle.WakeOne();
        }

        /// <summary>Counts a request shed by the full mode and prepares its dead letter (read what it carries before it is recycled).</summary>
        protected Shed Drop(in TEnvelope envelope, bool hasKey, TKey key, IRequestCompletion? completion)
        {
            Interlocked.Increment(ref Engine._dropped);
            return new Shed(
                Engine._dispatcher.GetHandlerName(envelope),
                Engine.LetterFor(envelope, hasKey, key, DeadLetterReason.Dropped),
                completion);
        }

        /// <summary>
        /// Checks the invariants after every operation that changes the state. Debug builds only (the call is
        /// compiled out of Release), and allocation-free, so that the allocation tests still measure the engine alone.
        /// </summary>
        [Conditional("DEBUG")]
        public void AssertInvariantsLocked()
        {
#if NET9_0_OR_GREATER
            Debug.Assert(Sync.IsHeldByCurrentThread, "the scheduling state is read under its lock");
#else
            Debug.Assert(Monitor.IsEntered(Sync), "the scheduling state is read under its lock");
#endif
            Debug.Assert(_queued >= 0 && _running >= 0 && Room.Waiters >= 0, "the counts never go negative");
            Debug.Assert(Room.IsShared || Room.Waiters > 0 || !Room.Held, "nothing is held for nobody");
            Debug.Assert(Room.IsShared || Room.Taken == _queued, "a room of its own counts its scheduler's queued requests");
            // A worker that faulted puts its request (or batch) back even when full: at most one take more per worker. A
            // re-partitioning (SetWorkerCount under PerPartition) may leave a partition over its new share until it drains.
            Debug.Assert(_queued <= Capacity + Engine._workers.Count * Volatile.Read(ref Engine._largestTake) || Engine._layout > 0,
                "admission keeps the queue within its capacity");
            AssertStateLocked();
        }

        /// <summary>The implementation's own invariants (Debug builds).</summary>
        protected abstract void AssertStateLocked();
    }

    /// <summary>
    /// A queued request taken out of play unstarted, with what the report needs of it (shutdown), or what it needs to be
    /// queued again in another partition (a re-partitioning).
    /// </summary>
    private readonly struct Unstarted
    {
        public Unstarted(in TEnvelope envelope, bool hasKey, TKey key, IRequestCompletion? completion, long enqueuedAt, ActivityContext parent, bool replayedAtPausedHead = false)
        {
            Envelope = envelope;
            HasKey = hasKey;
            Key = key;
            Completion = completion;
            EnqueuedAt = enqueuedAt;
            Parent = parent;
            ReplayedAtPausedHead = replayedAtPausedHead;
        }

        public TEnvelope Envelope { get; }
        public bool HasKey { get; }
        public TKey Key { get; }
        public IRequestCompletion? Completion { get; }
        public long EnqueuedAt { get; }
        public ActivityContext Parent { get; }

        /// <summary>A dead letter replayed at the head of its paused key (see <see cref="Lane.LastReplayed"/>), which a move keeps.</summary>
        public bool ReplayedAtPausedHead { get; }
    }

    /// <summary>A request shed by the full mode, to be finished outside the lock.</summary>
    private readonly struct Shed
    {
        public Shed(string handler, DeadLetter? letter, IRequestCompletion? completion)
        {
            Handler = handler;
            Letter = letter;
            Completion = completion;
            Happened = true;
        }

        public bool Happened { get; }
        public string Handler { get; }
        public DeadLetter? Letter { get; }
        public IRequestCompletion? Completion { get; }
    }

    /// <summary>
    /// A null test that never boxes: for a value-type key the JIT drops it entirely (a plain <c>key is null</c>
    /// boxes the key in code the JIT has not optimised, which showed as an allocation per request).
    /// </summary>
    private static bool IsNull(TKey key) => !typeof(TKey).IsValueType && key is null;

    /// <summary>
    /// Test-only fault: lets a key's next request start before the running one finishes (breaking per-key
    /// order), so that tests can prove they catch that class of bug. Only with <see cref="TestHooks.Enabled"/>.
    /// </summary>
    internal bool FaultReleaseKeyEarly
    {
        get => _faultReleaseKeyEarly;
        set
        {
            TestHooks.EnsureEnabled(nameof(FaultReleaseKeyEarly));
            _faultReleaseKeyEarly = value;
        }
    }

    private bool _faultReleaseKeyEarly;

    /// <summary>Lanes and lane count, for tests of bounded memory.</summary>
    internal int LaneCount
    {
        get
        {
            int lanes = 0;
            foreach (var scheduler in _schedulers)
            {
                lock (scheduler.Sync)
                    lanes += scheduler.LaneCountLocked;
            }
            return lanes;
        }
    }
}
