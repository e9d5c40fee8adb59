using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace ExecutorGen.Runtime;

// The scheduling state and every operation on it. All of it is guarded by _lock; methods named *Locked
// must be called with the lock held. Invariants, kept by the methods below:
//  - a queued request is in exactly one place to be started from: its lane, or (unordered) a ready queue;
//    and in the all-queued list, oldest first, so the oldest queued request is always its lane's head;
//  - a lane is in at most one ready queue slot, and is Ready or Running, never both: one request per key
//    runs at a time, in lane (= submission) order, whichever worker takes it;
//  - under PerPartition (_pinned) the ready queues hold requests instead, each worker's in arrival order:
//    a queued request of an unpaused key has exactly one live entry (its ticket is current) in its
//    worker's queue, and only that worker takes from it, one request at a time, so a key's entries come
//    out in lane order;
//  - _queued counts the requests in state Queued; admission keeps it at or below the capacity, and each key's
//    lane at or below _maxQueuedPerKey;
//  - under PerPartition, _partitionQueued[p] counts the queued requests of worker p's partition (request.Partition);
//    admission keeps it at or below _partitionCapacity, the seed's bounded queue per worker;
//  - an idle worker is in its queue's idle stack exactly while it waits, so a wake-up is never lost.
public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher>
{
    // A null key never reaches the dictionary (it has its own lane), so TKey needs no notnull constraint,
    // which would keep nullable key types out of generated executors.
#pragma warning disable CS8714
    private readonly Dictionary<TKey, Lane> _lanes = new();
#pragma warning restore CS8714
    private readonly ReadyQueue[] _ready;
    private readonly Stack<WorkerState>[] _idle;
    private readonly LinkedList<SubmitWaiter<TKey, TEnvelope>> _waiters = new();
    private readonly Stack<QueuedRequest> _requestPool = new();
    private readonly Stack<Lane> _lanePool = new();
    private Lane? _nullKeyLane;
    private QueuedRequest? _oldest, _newest;
    private int _running;
    private int _pausedKeys;
    private uint _unkeyedRoundRobin;
    private readonly int[] _partitionQueued; // under PerPartition: queued requests per worker queue; else empty

    // Waiting submitters are woken in batches. Once a submitter has had to wait for room in the capacity (or, under
    // PerPartition, in its partition's share), that room counts as full for every submitter while anyone waits,
    // until it has drained by its slack, an eighth; then the waiters are admitted in arrival order while there is
    // room. Waking a waiter for every freed slot cost a thread-pool hop per request: one producer keeping a queue
    // full waited 64,000 times per million requests, and a woken producer found room for one request only.
    private bool _capacityHeld;
    private readonly bool[] _partitionHeld;
    private readonly int _capacitySlack;
    private readonly int _partitionSlack;

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

    private Admission AdmitLocked(in TEnvelope envelope, bool hasKey, TKey key, IRequestCompletion? completion, ActivityContext parent, bool mayWait, ref Shed shed)
    {
        if (_state != EngineState.Running)
            return Admission.Closed;

        var lane = hasKey && _keyedLanes ? FindLaneLocked(key) : null;
        bool keyFull = lane is not null && lane.Count >= _maxQueuedPerKey;
        int partition = _pinned ? PartitionLocked(hasKey, key, lane) : 0;
        bool waiting = _waiters.Count > 0;
        bool partitionFull = _pinned && (_partitionQueued[partition] >= _partitionCapacity || (waiting && _partitionHeld[partition]));
        bool full = _queued >= _capacity || (waiting && _capacityHeld);
        if (!full && !keyFull && !partitionFull)
        {
            // Waiters held by their own key's or partition's limit may be passed, but not by a request of the
            // same key (it would overtake that key's earlier request).
            if (!waiting || !WaiterHoldsKeyLocked(hasKey, key))
            {
                EnqueueLocked(envelope, hasKey, key, lane, partition, completion, parent);
                return Admission.Accepted;
            }
        }

        switch (_fullMode)
        {
            case QueueFullMode.Wait:
                if (!mayWait)
                    return Admission.Refused;
                _capacityHeld |= full;
                if (partitionFull)
                    _partitionHeld[partition] = true;
                return Admission.MustWait;
            case QueueFullMode.Reject:
                return Admission.Refused;
            case QueueFullMode.DropNewest:
                CountSubmittedLocked();
                Interlocked.Increment(ref _dropped);
                shed = new Shed(_dispatcher.GetHandlerName(envelope), LetterFor(envelope, hasKey, key, DeadLetterReason.Dropped), completion);
                return Admission.ShedIncoming;
            default: // DropOldest: the key's oldest at its limit, else the partition's at its limit, else the oldest of all.
                shed = ShedQueuedLocked(keyFull ? lane!.Head! : partitionFull ? OldestOfPartitionLocked(partition) : _oldest!);
                // The shed request may have been the lane's last one, releasing the lane: look it up again.
                EnqueueLocked(envelope, hasKey, key, lane: null, partition, completion, parent);
                return Admission.Accepted;
        }
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
    /// Under PerPartition, the worker queue a request would join: its key's (fixed by the key), or for a request
    /// without a key the next in turn that has room.
    /// </summary>
    private int PartitionLocked(bool hasKey, TKey key, Lane? lane)
    {
        if (hasKey)
            return lane?.ReadyQueue ?? PartitionHash.Bucket(key, _ready.Length);
        int first = (int)(_unkeyedRoundRobin % (uint)_ready.Length);
        for (int i = 0; i < _ready.Length; i++)
        {
            int partition = (first + i) % _ready.Length;
            if (_partitionQueued[partition] < _partitionCapacity)
                return partition;
        }
        return first;
    }

    /// <summary>The oldest queued request of a full partition (DropOldest); a scan, but only of an overloaded executor's oldest requests.</summary>
    private QueuedRequest OldestOfPartitionLocked(int partition)
    {
        var request = _oldest;
        while (request!.Partition != partition)
            request = request.Newer;
        return request;
    }

    // lane: the key's lane if the caller has just looked it up (one dictionary lookup less), else null.
    // partition: under PerPartition, the worker queue chosen at admission (PartitionLocked).
    private void EnqueueLocked(in TEnvelope envelope, bool hasKey, TKey key, Lane? lane, int partition, IRequestCompletion? completion, ActivityContext parent)
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
        if (_pinned)
        {
            request.Partition = partition;
            _partitionQueued[partition]++;
        }
        CountSubmittedLocked();

        if (!hasKey || !_keyedLanes)
            MakeReadyLocked(request);
        else
        {
            lane ??= GetOrCreateLaneLocked(key);
            lane.Append(request);
            if (_pinned)
            {
                if (!lane.Paused)
                    EnqueuePinnedLocked(request, lane.ReadyQueue);
            }
            else if (lane.State == LaneState.Idle && !lane.Paused)
            {
                MakeReadyLocked(lane);
            }
        }
        OnQueueDepthChangedLocked();
    }

    /// <summary>Takes a queued request out (the oldest of its lane) and prepares its dead letter.</summary>
    private Shed ShedQueuedLocked(QueuedRequest victim)
    {
        Interlocked.Increment(ref _dropped);
        var shed = new Shed(
            _dispatcher.GetHandlerName(victim.Envelope),
            LetterFor(victim.Envelope, victim.HasKey, victim.Key, DeadLetterReason.Dropped),
            victim.Completion);
        RemoveQueuedLocked(victim);
        return shed;
    }

    /// <summary>
    /// Takes a queued request out of play for good (shed, or reported unprocessed): out of the all-queued list and
    /// off the head of its lane (released if that leaves it unused). Read what it carries first: it may be recycled.
    /// A lane's request is referenced nowhere else and is freed at once; so is one under PerPartition, whose
    /// worker-queue entry goes stale; an unordered one in the shared queue is still referenced there and is freed
    /// when taken.
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

    // Submitted and Completed change only under the lock, so a plain increment does; the writes are whole,
    // for lock-free snapshots.
    private void CountSubmittedLocked() => Volatile.Write(ref _submitted, _submitted + 1);

    /// <summary>
    /// Takes the next request for a worker, starting it as of <paramref name="now"/>: the head of the first
    /// ready lane, or an unordered request.
    /// </summary>
    private bool TryTakeLocked(WorkerState worker, long now, out QueuedRequest request)
    {
        var queue = _ready[worker.ReadyQueue];
        while (queue.Count > 0)
        {
            var item = queue.Dequeue();
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
                if (FaultReleaseKeyEarly && lane.Head is not null)
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
            _running++;
            AdmitWaitersLocked();
            OnQueueDepthChangedLocked();
            return true;
        }
        request = null!;
        return false;
    }

    /// <summary>
    /// A request has finished: its outcome and times are booked, its lane moves on (or pauses, or is
    /// released) and the request is pooled.
    /// </summary>
    private void FinishLocked(WorkerState worker, QueuedRequest request, Outcome outcome)
    {
        bool deadLettered = outcome == Outcome.DeadLettered;
        if (outcome == Outcome.Completed)
            Volatile.Write(ref _completed, _completed + 1);
        worker.Finished(request.FinishedAt);
        worker.IsStuck = false; // the request it may have been stuck on has returned
        _running--;
        if (request.Lane is { } lane)
        {
            if (deadLettered && _pauseKeyOnDeadLetter && !lane.Paused)
            {
                lane.Paused = true;
                _pausedKeys++;
            }
            lane.State = LaneState.Idle;
            if (lane.Head is null || lane.Paused)
                ReleaseLaneIfUnusedLocked(lane);
            else if (!_pinned)
                MakeReadyLocked(lane); // under PerPartition its requests are in the worker's queue already
        }
        RecycleLocked(request);
        WakeAllIfStoppingAndDoneLocked();
    }

    /// <summary>
    /// Admits waiting submitters, oldest first, while there is room (each key's and partition's limit included),
    /// once a held capacity or partition has drained by its slack (see <see cref="_capacityHeld"/>).
    /// </summary>
    private void AdmitWaitersLocked()
    {
        if (_waiters.Count == 0)
            return;
        if (_capacityHeld)
        {
            if (_queued > _capacity - _capacitySlack)
                return;
            _capacityHeld = false;
        }
        var node = _waiters.First;
        while (node is not null && _queued < _capacity)
        {
            var next = node.Next;
            var waiter = node.Value;
            var lane = waiter.HasKey && _keyedLanes ? FindLaneLocked(waiter.Key) : null;
            int partition = _pinned ? PartitionLocked(waiter.HasKey, waiter.Key, lane) : 0;
            if (_pinned && _partitionHeld[partition])
            {
                if (_partitionQueued[partition] > _partitionCapacity - _partitionSlack)
                {
                    node = next;
                    continue;
                }
                _partitionHeld[partition] = false;
            }
            if (_pinned && _partitionQueued[partition] >= _partitionCapacity)
                _partitionHeld[partition] = true; // filled again by the waiters before this one
            else if (!(lane?.Count >= _maxQueuedPerKey))
            {
                _waiters.Remove(node);
                EnqueueLocked(waiter.Envelope, waiter.HasKey, waiter.Key, lane, partition, waiter.Completion, waiter.Parent);
                waiter.Admit(); // its caller's code runs asynchronously, not under the lock
            }
            node = next;
        }
        _capacityHeld = node is not null && _queued >= _capacity;
        ReleaseHoldsIfNobodyWaitsLocked();
    }

    /// <summary>With no waiter left (admitted, cancelled), nothing is held for anyone.</summary>
    private void ReleaseHoldsIfNobodyWaitsLocked()
    {
        if (_waiters.Count > 0)
            return;
        _capacityHeld = false;
        System.Array.Clear(_partitionHeld, 0, _partitionHeld.Length);
    }

    /// <summary>A lane with work joins the shared ready queue (PerKey).</summary>
    private void MakeReadyLocked(Lane lane)
    {
        Debug.Assert(!_pinned, "under PerPartition requests, not lanes, are queued");
        lane.State = LaneState.Ready;
        _ready[lane.ReadyQueue].Enqueue(new ReadyItem(lane));
        WakeOneLocked(lane.ReadyQueue);
    }

    /// <summary>An unordered request is ready at once: in the shared queue, or in turn under PerPartition.</summary>
    private void MakeReadyLocked(QueuedRequest request)
    {
        if (_pinned)
        {
            _unkeyedRoundRobin++;
            EnqueuePinnedLocked(request, request.Partition);
        }
        else
        {
            _ready[0].Enqueue(new ReadyItem(request));
            WakeOneLocked(0);
        }
    }

    /// <summary>
    /// Under PerPartition: a request joins the end of its worker's queue, or its front when a faulted worker puts
    /// it back (any older entry of it goes stale).
    /// </summary>
    private void EnqueuePinnedLocked(QueuedRequest request, int queue, bool first = false)
    {
        var item = new ReadyItem(request, ++request.ReadyTicket);
        if (first)
            _ready[queue].EnqueueFirst(item);
        else
            _ready[queue].Enqueue(item);
        WakeOneLocked(queue);
    }

    /// <summary>Under PerPartition: the queued requests of a resumed key join the end of their worker's queue, in order.</summary>
    private void EnqueueLanePinnedLocked(Lane lane)
    {
        for (var request = lane.Head; request is not null; request = request.NextInLane)
            EnqueuePinnedLocked(request, lane.ReadyQueue);
    }

    private void WakeOneLocked(int queue)
    {
        if (_idle[queue].Count > 0)
            _idle[queue].Pop().Signal.Set();
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
        if (_pinned)
            _partitionQueued[request.Partition]--;
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
        lane.ReadyQueue = _ready.Length == 1 ? 0 : PartitionHash.Bucket(key, _ready.Length);
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
        // A live lane holds a queued or running request, so live lanes never exceed capacity plus one per
        // worker, and neither does the pool: a full queue of distinct keys re-uses lanes instead of churning.
        if (_lanePool.Count < _capacity + _workerCount)
            _lanePool.Push(lane);
    }

    /// <summary>
    /// A null test that never boxes: for a value-type key the JIT drops it entirely (a plain <c>key is null</c>
    /// boxes the key in code the JIT has not optimised, which showed as an allocation per request).
    /// </summary>
    private static bool IsNull(TKey key) => !typeof(TKey).IsValueType && key is null;

    private void RecycleLocked(QueuedRequest request)
    {
        request.Clear();
        // Live requests never exceed capacity plus one per worker, so neither does the pool.
        if (_requestPool.Count < _capacity + _workerCount)
            _requestPool.Push(request);
    }

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
            lock (_lock)
                return _lanes.Count + (_nullKeyLane is null ? 0 : 1);
        }
    }
}
