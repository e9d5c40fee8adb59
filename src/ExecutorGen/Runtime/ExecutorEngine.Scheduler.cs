using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
#if NET9_0_OR_GREATER
using SyncObject = System.Threading.Lock;
#else
using SyncObject = System.Object;
#endif

namespace ExecutorGen.Runtime;

public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher>
{
    /// <summary>
    /// The scheduling state behind one lock, and every operation on it. Under PerKey and Unordered there is one
    /// scheduler for the whole executor (its lock is the engine's); under PerPartition each worker has one for its
    /// partition, with a lock of its own, so a producer contends only with the worker of the key it submits, as
    /// with a channel per worker, and no request of one partition ever waits on another partition's lock.
    /// </summary>
    /// <remarks>
    /// Members named *Locked must be called with <see cref="Sync"/> held. Invariants, kept by the methods below and
    /// checked after each operation in Debug builds (AssertInvariantsLocked):
    ///  - a queued request is in exactly one place to be started from: its lane, or (unordered) the ready queue;
    ///    and in the all-queued list, oldest first, so the oldest queued request is always its lane's head;
    ///  - a lane is in at most one ready queue slot, and is Ready or Running, never both: one request per key
    ///    runs at a time, in lane (= submission) order, whichever worker takes it;
    ///  - under PerPartition (pinned) the ready queue holds requests instead, in arrival order: a queued request of
    ///    an unpaused key has exactly one live entry (its ticket is current), and only the partition's worker takes
    ///    from it, one request at a time, so a key's entries come out in lane order;
    ///  - _queued counts the requests in state Queued; admission keeps it at or below <see cref="Capacity"/>, and
    ///    each key's lane at or below the per-key limit;
    ///  - an idle worker is in the idle stack exactly while it waits, so a wake-up is never lost.
    /// </remarks>
    private sealed partial class Scheduler
    {
        private readonly ExecutorEngine<TKey, TEnvelope, TDispatcher> _engine;
        private readonly bool _pinned;
        private readonly int _poolLimit;

        // A null key never reaches the dictionary (it has its own lane), so TKey needs no notnull constraint,
        // which would keep nullable key types out of generated executors.
#pragma warning disable CS8714
        private readonly Dictionary<TKey, Lane> _lanes = new();
#pragma warning restore CS8714
        private readonly ReadyQueue _ready = new();
        private readonly Stack<WorkerState> _idle = new();
        private readonly Stack<QueuedRequest> _requestPool = new();
        private readonly Stack<Lane> _lanePool = new();
        private Lane? _nullKeyLane;
        private QueuedRequest? _oldest, _newest;
        private int _queued;
        private int _running;
        private int _pausedKeys;

        // Submitted and Completed change only under the lock, so a plain increment does; the writes are whole, for
        // lock-free snapshots, which add up every scheduler's.
        private long _submitted;
        private long _completed;

        public Scheduler(ExecutorEngine<TKey, TEnvelope, TDispatcher> engine, int index, int capacity, int fillMark, SyncObject sync)
        {
            _engine = engine;
            _pinned = engine._pinned;
            Index = index;
            Capacity = capacity;
            Slack = System.Math.Max(1, capacity / 8);
            FillMark = fillMark;
            Sync = sync;
            // Live requests (and lanes) never exceed the capacity plus one per worker, and so neither do the pools:
            // a full queue of distinct keys re-uses them instead of churning.
            _poolLimit = capacity + engine._workerCount;
        }

        public SyncObject Sync { get; }

        /// <summary>Its place in the engine's schedulers (under PerPartition, its worker's id).</summary>
        public int Index { get; }

        /// <summary>The most requests it holds queued: the capacity, or under PerPartition its partition's share.</summary>
        public int Capacity { get; }

        /// <summary>How far a held queue must drain before its waiters are admitted (see <see cref="Held"/>).</summary>
        public int Slack { get; }

        /// <summary>
        /// Its share of the backpressure high watermark: the whole queue cannot reach the watermark without some
        /// scheduler reaching its share, so only then does an admission add the queues up.
        /// </summary>
        public int FillMark { get; }

        /// <summary>
        /// Submitters waiting for room here. Written with both the engine's lock and <see cref="Sync"/> held, so
        /// either lock is enough to read it; while it is zero an admission needs no look at the engine's waiters.
        /// </summary>
        public int Waiters;

        /// <summary>
        /// Waiting submitters are woken in batches. Once a submitter has had to wait for room, the queue counts as
        /// full for every submitter while anyone waits here, until it has drained by its <see cref="Slack"/> (an
        /// eighth); then the waiters are admitted in arrival order while there is room. Waking a waiter for every
        /// freed slot cost a thread-pool hop per request: one producer keeping a queue full waited 64,000 times
        /// per million requests, and a woken producer found room for one request only. Written like
        /// <see cref="Waiters"/>.
        /// </summary>
        public bool Held;

        public int QueuedCount => Volatile.Read(ref _queued);

        public int RunningCount => Volatile.Read(ref _running);

        public int PausedKeyCount => Volatile.Read(ref _pausedKeys);

        public long SubmittedCount => Volatile.Read(ref _submitted);

        public long CompletedCount => Volatile.Read(ref _completed);

        /// <summary>The oldest queued request, for DropOldest and the unprocessed report.</summary>
        public QueuedRequest? Oldest => _oldest;

        /// <summary>
        /// Decides an admission: accepted (queued), or what the full mode says. <paramref name="waiterHoldsKey"/>:
        /// an earlier waiter has the same key, which a new request must not overtake.
        /// <see cref="Admission.MustWait"/> changes nothing: the caller registers the waiter (<see cref="AddWaiterLocked"/>).
        /// </summary>
        public Admission AdmitLocked(in TEnvelope envelope, bool hasKey, TKey key, IRequestCompletion? completion, ActivityContext parent, bool mayWait, bool waiterHoldsKey, ref Shed shed)
        {
            if (_engine._state != EngineState.Running)
                return Admission.Closed;

            var lane = hasKey && _engine._keyedLanes ? FindLaneLocked(key) : null;
            bool keyFull = lane is not null && lane.Count >= _engine._maxQueuedPerKey;
            bool full = IsFullLocked;
            if (!full && !keyFull && !waiterHoldsKey)
            {
                EnqueueLocked(envelope, hasKey, key, lane, completion, parent);
                return Admission.Accepted;
            }

            switch (_engine._fullMode)
            {
                case QueueFullMode.Wait:
                    return mayWait ? Admission.MustWait : Admission.Refused;
                case QueueFullMode.Reject:
                    return Admission.Refused;
                case QueueFullMode.DropNewest:
                    CountSubmittedLocked();
                    Interlocked.Increment(ref _engine._dropped);
                    shed = new Shed(_engine._dispatcher.GetHandlerName(envelope), _engine.LetterFor(envelope, hasKey, key, DeadLetterReason.Dropped), completion);
                    return Admission.ShedIncoming;
                default: // DropOldest: the key's oldest at its limit, else the oldest of this queue.
                    shed = ShedQueuedLocked(keyFull ? lane!.Head! : _oldest!);
                    // The shed request may have been the lane's last one, releasing the lane: look it up again.
                    EnqueueLocked(envelope, hasKey, key, lane: null, completion, parent);
                    return Admission.Accepted;
            }
        }

        private bool IsFullLocked => _queued >= Capacity || (Waiters > 0 && Held);

        /// <summary>A submitter waits for room here (the caller adds it to the engine's waiter list).</summary>
        public void AddWaiterLocked()
        {
            Held |= IsFullLocked;
            Waiters++;
        }

        /// <summary>A waiter left without being admitted (cancelled). With nobody left waiting, nothing is held.</summary>
        public void RemoveWaiterLocked()
        {
            if (--Waiters == 0)
                Held = false;
        }

        /// <summary>Shutdown refused every waiter.</summary>
        public void ClearWaitersLocked()
        {
            Waiters = 0;
            Held = false;
        }

        /// <summary>
        /// Admits a waiter if there is room for it (its key's limit included) and a held queue has drained by its
        /// slack; the caller removes it from the engine's list and completes it.
        /// </summary>
        public bool TryAdmitWaiterLocked(SubmitWaiter<TKey, TEnvelope> waiter)
        {
            if (Held)
            {
                if (_queued > Capacity - Slack)
                    return false;
                Held = false;
            }
            if (_queued >= Capacity)
            {
                Held = true; // filled again by the waiters before this one
                return false;
            }
            var lane = waiter.HasKey && _engine._keyedLanes ? FindLaneLocked(waiter.Key) : null;
            if (lane?.Count >= _engine._maxQueuedPerKey)
                return false;
            RemoveWaiterLocked();
            EnqueueLocked(waiter.Envelope, waiter.HasKey, waiter.Key, lane, waiter.Completion, waiter.Parent);
            return true;
        }

        /// <summary>After a take: whether a waiter here may now find room (then the engine runs its waiters).</summary>
        public bool WaitersMayEnterLocked => Waiters > 0 && !(Held && _queued > Capacity - Slack);

        // lane: the key's lane if the caller has just looked it up (one dictionary lookup less), else null.
        private void EnqueueLocked(in TEnvelope envelope, bool hasKey, TKey key, Lane? lane, IRequestCompletion? completion, ActivityContext parent)
        {
            var request = _requestPool.Count > 0 ? _requestPool.Pop() : new QueuedRequest();
            request.Envelope = envelope;
            request.HasKey = hasKey;
            request.Key = key;
            request.Completion = completion;
            request.Parent = parent;
            request.EnqueuedAt = Stopwatch.GetTimestamp();
            request.State = RequestState.Queued;

            request.Older = _newest;
            if (_newest is null)
                _oldest = request;
            else
                _newest.Newer = request;
            _newest = request;
            _queued++;
            CountSubmittedLocked();

            if (!hasKey || !_engine._keyedLanes)
                MakeReadyLocked(request);
            else
            {
                lane ??= GetOrCreateLaneLocked(key);
                lane.Append(request);
                if (_pinned)
                {
                    if (!lane.Paused)
                        EnqueuePinnedLocked(request);
                }
                else if (lane.State == LaneState.Idle && !lane.Paused)
                {
                    MakeReadyLocked(lane);
                }
            }
        }

        private void CountSubmittedLocked() => Volatile.Write(ref _submitted, _submitted + 1);

        /// <summary>Takes a queued request out (the oldest of its lane) and prepares its dead letter.</summary>
        private Shed ShedQueuedLocked(QueuedRequest victim)
        {
            Interlocked.Increment(ref _engine._dropped);
            var shed = new Shed(
                _engine._dispatcher.GetHandlerName(victim.Envelope),
                _engine.LetterFor(victim.Envelope, victim.HasKey, victim.Key, DeadLetterReason.Dropped),
                victim.Completion);
            RemoveQueuedLocked(victim);
            return shed;
        }

        /// <summary>
        /// Takes a queued request out of play for good (shed, or reported unprocessed): out of the all-queued list
        /// and off the head of its lane (released if that leaves it unused). Read what it carries first: it may be
        /// recycled. A lane's request is referenced nowhere else and is freed at once; so is one under PerPartition,
        /// whose ready-queue entry goes stale; an unordered one in the shared queue is still referenced there and
        /// is freed when taken.
        /// </summary>
        private void RemoveQueuedLocked(QueuedRequest request)
        {
            UnlinkQueuedLocked(request);
            if (request.Lane is { } lane)
            {
                Debug.Assert(lane.Head == request, "the oldest queued request is its lane's head");
                lane.TakeHead();
                ReleaseLaneIfUnusedLocked(lane); // one waiting in a shared ready queue is Ready: released when dequeued
            }
            else if (!_pinned)
            {
                request.State = RequestState.Removed;
                return;
            }
            request.ReadyTicket++;
            RecycleLocked(request);
        }

        /// <summary>Takes the worker's next request (as of <paramref name="now"/>), or registers it as idle, or ends it.</summary>
        public Step NextStepLocked(WorkerState worker, long now, out QueuedRequest? request)
        {
            request = null;
            if (worker.IsReplacement && !_engine.ReplacementStillNeededLocked())
            {
                worker.IsRetired = true;
                // It may have been woken for work: hand that wake-up on, or the work would wait for a later one.
                if (_ready.Count > 0)
                    WakeOneLocked();
                return Step.Exit;
            }
            if (TryTakeLocked(worker, now, out var taken))
            {
                request = taken;
                return Step.Run;
            }
            if (_engine._state != EngineState.Running && _running == 0)
            {
                worker.IsRetired = true;
                return Step.Exit;
            }
            _idle.Push(worker);
            return Step.Wait;
        }

        /// <summary>
        /// Takes the next request for a worker, starting it as of <paramref name="now"/>: the head of the first
        /// ready lane, or an unordered request, or (pinned) the next live entry.
        /// </summary>
        private bool TryTakeLocked(WorkerState worker, long now, out QueuedRequest request)
        {
            while (_ready.Count > 0)
            {
                var item = _ready.Dequeue();
                if (_pinned)
                {
                    request = item.Request!;
                    if (item.Ticket != request.ReadyTicket)
                        continue; // removed, queued again, or re-used since this entry was made
                    Debug.Assert(request.State == RequestState.Queued, "a live entry is a queued request's");
                    if (request.Lane is { } pinnedLane)
                    {
                        if (pinnedLane.Paused)
                            continue; // it stays in its lane; ResumeKey queues the lane's requests again
                        Debug.Assert(pinnedLane.Head == request, "a key's entries come out in lane order");
                        pinnedLane.TakeHead();
                        pinnedLane.State = LaneState.Running;
                    }
                }
                else if (item.Lane is { } lane)
                {
                    if (lane.Head is null || lane.Paused)
                    {
                        // Emptied by DropOldest, or paused, while it waited in the queue.
                        lane.State = LaneState.Idle;
                        ReleaseLaneIfUnusedLocked(lane);
                        continue;
                    }
                    request = lane.TakeHead();
                    lane.State = LaneState.Running;
                    if (_engine.FaultReleaseKeyEarly && lane.Head is not null)
                        MakeReadyLocked(lane); // the deliberate bug the schedule-exploration tests must catch
                }
                else
                {
                    request = item.Request!;
                    if (request.State == RequestState.Removed)
                    {
                        RecycleLocked(request);
                        continue;
                    }
                }

                UnlinkQueuedLocked(request);
                request.State = RequestState.Running;
                request.StartedAt = now;
                worker.Started(now); // its queue time is recorded by the worker itself, outside the lock
                Volatile.Write(ref _running, _running + 1);
                return true;
            }
            request = null!;
            return false;
        }

        /// <summary>
        /// A request has finished: its outcome and times are booked, its lane moves on (or pauses, or is
        /// released) and the request is pooled.
        /// </summary>
        public void FinishLocked(WorkerState worker, QueuedRequest request, Outcome outcome)
        {
            bool deadLettered = outcome == Outcome.DeadLettered;
            if (outcome == Outcome.Completed)
                Volatile.Write(ref _completed, _completed + 1);
            worker.Finished(request.FinishedAt);
            worker.IsStuck = false; // the request it may have been stuck on has returned
            Volatile.Write(ref _running, _running - 1);
            if (request.Lane is { } lane)
            {
                if (deadLettered && _engine._pauseKeyOnDeadLetter && !lane.Paused)
                {
                    lane.Paused = true;
                    Volatile.Write(ref _pausedKeys, _pausedKeys + 1);
                }
                lane.State = LaneState.Idle;
                if (lane.Head is null || lane.Paused)
                    ReleaseLaneIfUnusedLocked(lane);
                else if (!_pinned)
                    MakeReadyLocked(lane); // under PerPartition its requests are in the ready queue already
            }
            RecycleLocked(request);
            WakeAllIfStoppingAndDoneLocked();
        }

        /// <summary>
        /// A faulted worker's request goes back at the head of its lane (or the ready queue), so it runs again, in
        /// order, and is never lost.
        /// </summary>
        public void RequeueAfterFaultLocked(WorkerState worker, QueuedRequest request)
        {
            worker.IsStuck = false;
            Volatile.Write(ref _running, _running - 1);
            request.State = RequestState.Queued;
            request.Newer = _oldest;
            if (_oldest is null)
                _newest = request;
            else
                _oldest.Older = request;
            _oldest = request;
            _queued++;

            if (request.Lane is { } lane)
            {
                request.NextInLane = lane.Head;
                lane.Head = request;
                if (lane.Tail is null)
                    lane.Tail = request;
                lane.Count++;
                lane.State = LaneState.Idle;
                if (lane.Paused)
                    return;
                if (_pinned)
                    EnqueuePinnedLocked(request, first: true);
                else
                    MakeReadyLocked(lane);
            }
            else if (_pinned)
            {
                EnqueuePinnedLocked(request, first: true);
            }
            else
            {
                MakeReadyLocked(request);
            }
            WakeAllIfStoppingAndDoneLocked();
        }

        /// <summary>Resumes a key paused after a dead letter; <see langword="false"/> when it was not paused.</summary>
        public bool ResumeKeyLocked(TKey key)
        {
            var lane = FindLaneLocked(key);
            if (lane is null || !lane.Paused)
                return false;
            lane.Paused = false;
            Volatile.Write(ref _pausedKeys, _pausedKeys - 1);
            if (lane.Head is null)
                ReleaseLaneIfUnusedLocked(lane);
            else if (_pinned)
            {
                // Its queued requests join the end of the ready queue, in order.
                for (var request = lane.Head; request is not null; request = request.NextInLane)
                    EnqueuePinnedLocked(request);
            }
            else
                MakeReadyLocked(lane);
            return true;
        }

        /// <summary>
        /// Takes every queued request out of play, oldest first (so each lane gives them up from the head, in
        /// order), handing each to <paramref name="report"/> before it is recycled; paused lanes are released.
        /// </summary>
        public void RemoveAllQueuedLocked(System.Action<QueuedRequest> report)
        {
            for (var request = _oldest; request is not null;)
            {
                var next = request.Newer;
                report(request);
                RemoveQueuedLocked(request);
                request = next;
            }

            while (_ready.Count > 0)
            {
                var item = _ready.Dequeue();
                if (item.Lane is { } lane)
                {
                    lane.State = LaneState.Idle;
                    ReleaseLaneIfUnusedLocked(lane);
                }
                else if (item.Request!.State == RequestState.Removed)
                {
                    RecycleLocked(item.Request);
                }
            }

            // Paused lanes are now empty; they are released unless a request of theirs is still running.
            var paused = new List<Lane>();
            foreach (var lane in _lanes.Values)
            {
                if (lane.Paused)
                    paused.Add(lane);
            }
            if (_nullKeyLane is { Paused: true })
                paused.Add(_nullKeyLane);
            foreach (var lane in paused)
            {
                lane.Paused = false;
                ReleaseLaneIfUnusedLocked(lane);
            }
            Volatile.Write(ref _pausedKeys, 0);
            WakeAllIfStoppingAndDoneLocked();
        }

        /// <summary>Once intake is closed and nothing runs, nothing can become ready again: every idle worker ends.</summary>
        public void WakeAllIfStoppingAndDoneLocked()
        {
            if (_engine._state == EngineState.Running || _running != 0)
                return;
            while (_idle.Count > 0)
                _idle.Pop().Signal.Set();
        }

        /// <summary>Adds up the queued requests per key (the null key apart), for the hot keys of a snapshot.</summary>
#pragma warning disable CS8714 // a null key never reaches the dictionary: it is counted apart
        public void CountKeysLocked(Dictionary<TKey, int> counts, ref int nullKeys)
#pragma warning restore CS8714
        {
            for (var request = _oldest; request is not null; request = request.Newer)
            {
                if (!request.HasKey)
                    continue;
                if (IsNull(request.Key))
                    nullKeys++;
                else
                    counts[request.Key] = counts.TryGetValue(request.Key, out int count) ? count + 1 : 1;
            }
        }

        public int LaneCountLocked => _lanes.Count + (_nullKeyLane is null ? 0 : 1);

        /// <summary>A lane with work joins the shared ready queue (PerKey).</summary>
        private void MakeReadyLocked(Lane lane)
        {
            Debug.Assert(!_pinned, "under PerPartition requests, not lanes, are queued");
            lane.State = LaneState.Ready;
            _ready.Enqueue(new ReadyItem(lane));
            WakeOneLocked();
        }

        /// <summary>A request without a lane is ready at once.</summary>
        private void MakeReadyLocked(QueuedRequest request)
        {
            if (_pinned)
                EnqueuePinnedLocked(request);
            else
            {
                _ready.Enqueue(new ReadyItem(request));
                WakeOneLocked();
            }
        }

        /// <summary>
        /// Under PerPartition: a request joins the end of the ready queue, or its front when a faulted worker puts
        /// it back (any older entry of it goes stale).
        /// </summary>
        private void EnqueuePinnedLocked(QueuedRequest request, bool first = false)
        {
            var item = new ReadyItem(request, ++request.ReadyTicket);
            if (first)
                _ready.EnqueueFirst(item);
            else
                _ready.Enqueue(item);
            WakeOneLocked();
        }

        private void WakeOneLocked()
        {
            if (_idle.Count > 0)
                _idle.Pop().Signal.Set();
        }

        private void UnlinkQueuedLocked(QueuedRequest request)
        {
            if (request.Older is null)
                _oldest = request.Newer;
            else
                request.Older.Newer = request.Newer;
            if (request.Newer is null)
                _newest = request.Older;
            else
                request.Newer.Older = request.Older;
            request.Older = request.Newer = null;
            _queued--;
        }

        private Lane? FindLaneLocked(TKey key)
        {
            if (IsNull(key))
                return _nullKeyLane;
            return _lanes.TryGetValue(key, out var lane) ? lane : null;
        }

        private Lane GetOrCreateLaneLocked(TKey key)
        {
            if (FindLaneLocked(key) is { } existing)
                return existing;

            var lane = _lanePool.Count > 0 ? _lanePool.Pop() : new Lane();
            lane.Key = key;
            // All null keys share one lane (a Dictionary cannot hold a null key): they run in order, like any key.
            if (IsNull(key))
            {
                lane.IsNullKey = true;
                _nullKeyLane = lane;
            }
            else
            {
                _lanes.Add(key, lane);
            }
            return lane;
        }

        /// <summary>A lane with nothing queued, nothing running and no pause is forgotten, so keys never accumulate.</summary>
        private void ReleaseLaneIfUnusedLocked(Lane lane)
        {
            if (lane.Head is not null || lane.Paused || lane.State != LaneState.Idle)
                return;
            if (lane.IsNullKey)
                _nullKeyLane = null;
            else
                _lanes.Remove(lane.Key);
            lane.Clear();
            if (_lanePool.Count < _poolLimit)
                _lanePool.Push(lane);
        }

        private void RecycleLocked(QueuedRequest request)
        {
            request.Clear();
            if (_requestPool.Count < _poolLimit)
                _requestPool.Push(request);
        }
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
    /// order), so that tests can prove they catch that class of bug. Never set outside tests.
    /// </summary>
    internal bool FaultReleaseKeyEarly { get; set; }

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
