using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace ExecutorGen.Runtime;

public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher>
{
    /// <summary>
    /// Scheduling with a lane per key: the keys' lanes, the list of all queued requests (oldest first, for DropOldest
    /// and the unprocessed report), the pools and the ready queue. What goes into the ready queue is each
    /// implementation's: <see cref="SharedLaneScheduler"/> queues lanes (PerKey, Unordered), and
    /// <see cref="PartitionLaneScheduler"/> queues requests (PerPartition when keys need lanes).
    /// </summary>
    /// <remarks>
    /// Invariants, checked in Debug builds (ExecutorEngine.Invariants): a queued request is in its lane (or, without
    /// one, referenced by the ready queue) and in the all-queued list, oldest first, so the oldest queued request is
    /// always its lane's head; _queued counts the requests in state Queued; each key's lane stays at or below the
    /// per-key limit.
    /// </remarks>
    private abstract partial class LaneScheduler : Scheduler
    {
        private readonly int _poolLimit;

        // A null key never reaches the dictionary (it has its own lane), so TKey needs no notnull constraint,
        // which would keep nullable key types out of generated executors.
#pragma warning disable CS8714
        private readonly Dictionary<TKey, Lane> _lanes = new();
#pragma warning restore CS8714
        protected readonly ReadyQueue _ready = new();
        private readonly Stack<QueuedRequest> _requestPool = new();
        private readonly Stack<Lane> _lanePool = new();
        private Lane? _nullKeyLane;
        private QueuedRequest? _oldest, _newest;

        protected LaneScheduler(ExecutorEngine<TKey, TEnvelope, TDispatcher> engine, int index, Room room, int fillMark, SyncObject sync, IdleWorkers idle)
            : base(engine, index, room, fillMark, sync, idle)
        {
            // Live requests (and lanes) never exceed the capacity plus one per worker, and so neither do the pools:
            // a full queue of distinct keys re-uses them instead of churning. (A shard of PerKey may hold the whole
            // capacity at one time and little at another: its pools keep what its busiest moment needed.)
            _poolLimit = room.Capacity + engine._workerCount;
        }

        protected override bool HasReadyLocked => _ready.Count > 0;

        public override int LaneCountLocked => _lanes.Count + (_nullKeyLane is null ? 0 : 1);

        protected override bool KeyFullLocked(bool hasKey, TKey key, out Lane? lane)
        {
            lane = hasKey && Engine._keyedLanes ? FindLaneLocked(key) : null;
            return lane is not null && lane.Count >= Engine._maxQueuedPerKey;
        }

        protected override void EnqueueLocked(in TEnvelope envelope, bool hasKey, TKey key, Lane? lane, IRequestCompletion? completion, ActivityContext parent, long enqueuedAt)
        {
            var request = NewRequestLocked(envelope, hasKey, key, completion, parent, enqueuedAt);
            request.Older = _newest;
            if (_newest is null)
                _oldest = request;
            else
                _newest.Newer = request;
            _newest = request;
            _queued++;
            CountSubmittedLocked();

            if (hasKey && Engine._keyedLanes)
            {
                lane ??= GetOrCreateLaneLocked(key);
                lane.Append(request);
            }
            OnQueuedLocked(request);
        }

        /// <summary>
        /// A replayed dead letter of a key paused after it (<see cref="DeadLetterPolicy.PauseKey"/>) goes to the head of
        /// the key's lane, before the requests held meanwhile, so a resume runs them in their first order; and, to keep
        /// the oldest queued request a lane head, to the head of the all-queued list. Only while intake is open and there
        /// is room for a newcomer.
        /// </summary>
        public override bool TryEnqueueAtPausedHeadLocked(in TEnvelope envelope, TKey key, IRequestCompletion? completion, ActivityContext parent, long enqueuedAt)
        {
            if (Engine._state != EngineState.Running || FindLaneLocked(key) is not { Paused: true } lane || !Room.TryTakeForNewcomer())
                return false;
            var request = NewRequestLocked(envelope, hasKey: true, key, completion, parent, enqueuedAt);
            request.Lane = lane;
            CountSubmittedLocked();
            // Several letters of one pause (a dead-lettered batch's) replayed in their order keep it: each goes after the
            // one replayed before it.
            if (lane.LastReplayed is { } previous)
                InsertAfterLocked(previous, request);
            else
                RequeueAtHeadLocked(request);
            lane.LastReplayed = request;
            return true;
        }

        /// <summary>Queues <paramref name="request"/> of a paused lane right after <paramref name="previous"/>, in the lane and in the all-queued list.</summary>
        private void InsertAfterLocked(QueuedRequest previous, QueuedRequest request)
        {
            var lane = previous.Lane!;
            request.State = RequestState.Queued;
            request.NextInLane = previous.NextInLane;
            previous.NextInLane = request;
            if (lane.Tail == previous)
                lane.Tail = request;
            lane.Count++;

            request.Older = previous;
            request.Newer = previous.Newer;
            if (previous.Newer is null)
                _newest = request;
            else
                previous.Newer.Older = request;
            previous.Newer = request;
            _queued++;
        }

        private QueuedRequest NewRequestLocked(in TEnvelope envelope, bool hasKey, TKey key, IRequestCompletion? completion, ActivityContext parent, long enqueuedAt)
        {
            var request = _requestPool.Count > 0 ? _requestPool.Pop() : new QueuedRequest();
            request.Envelope = envelope;
            request.HasKey = hasKey;
            request.Key = key;
            request.Completion = completion;
            request.Parent = parent;
            request.EnqueuedAt = enqueuedAt;
            request.State = RequestState.Queued;
            return request;
        }

        /// <summary>A request has joined its lane (if it has one): it becomes ready to start, if it may.</summary>
        protected abstract void OnQueuedLocked(QueuedRequest request);

        /// <summary>A lane's request that ran has finished and the lane still has work (and is not paused).</summary>
        protected abstract void OnLaneContinuesLocked(Lane lane);

        /// <summary>A request a faulted worker had taken is back, at the head of its lane if it has one (not paused).</summary>
        protected abstract void OnRequeuedLocked(QueuedRequest request);

        /// <summary>A paused lane with queued requests is resumed.</summary>
        protected abstract void OnResumedLocked(Lane lane);

        /// <summary>
        /// A request without a lane leaves play (shed or reported unprocessed) while the ready queue may still
        /// reference it: the implementation frees it now or when its entry comes out.
        /// </summary>
        protected abstract void ForgetUnlanedLocked(QueuedRequest request);

        /// <summary>Takes the next request to start out of the ready queue (and its lane); the base unlinks it.</summary>
        protected abstract bool TryDequeueLocked(out QueuedRequest request);

        protected override Shed ShedOldestLocked(Lane? keyLane)
        {
            var victim = keyLane?.Head ?? _oldest!;
            var shed = Drop(victim.Envelope, victim.HasKey, victim.Key, victim.Completion);
            RemoveQueuedLocked(victim);
            return shed;
        }

        /// <summary>
        /// Takes a queued request out of play for good (shed, or reported unprocessed): out of the all-queued list
        /// and off the head of its lane (released if that leaves it unused). Read what it carries first: it may be
        /// recycled. A lane's request is referenced nowhere else (a partition's ready-queue entry of it goes stale)
        /// and is freed at once.
        /// </summary>
        private void RemoveQueuedLocked(QueuedRequest request)
        {
            UnlinkQueuedLocked(request);
            if (request.Lane is not { } lane)
            {
                ForgetUnlanedLocked(request);
                return;
            }
            Debug.Assert(lane.Head == request, "the oldest queued request is its lane's head");
            if (lane.LastReplayed == request)
                lane.LastReplayed = null; // the replayed requests are the lane's first: this was the last of them
            lane.TakeHead();
            ReleaseLaneIfUnusedLocked(lane); // one waiting in a shared ready queue is Ready: released when dequeued
            request.ReadyTicket++;
            RecycleLocked(request);
        }

        protected override bool TryTakeLocked(out QueuedRequest request)
        {
            if (!TryDequeueLocked(out request))
                return false;
            UnlinkQueuedLocked(request);
            return true;
        }

        protected override void ReleaseFinishedLocked(QueuedRequest request, bool deadLettered)
        {
            ReleaseBatchLocked(request);
            if (request.Lane is { } lane)
            {
                if (deadLettered && Engine._pauseKeyOnDeadLetter && !lane.Paused)
                {
                    lane.Paused = true;
                    Volatile.Write(ref _pausedKeys, _pausedKeys + 1);
                }
                lane.State = LaneState.Idle;
                if (lane.Head is null || lane.Paused)
                    ReleaseLaneIfUnusedLocked(lane);
                else
                    OnLaneContinuesLocked(lane);
            }
            RecycleLocked(request);
        }

        protected override void RequeueAtHeadLocked(QueuedRequest request)
        {
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
                // A batch put back after a fault: the lane, ready again after its last request came back, will take
                // this one (now its head) first.
                if (lane.State == LaneState.Ready)
                    return;
                lane.State = LaneState.Idle;
                if (lane.Paused)
                    return;
            }
            OnRequeuedLocked(request);
        }

        public override bool ResumeKeyLocked(TKey key)
        {
            var lane = FindLaneLocked(key);
            if (lane is null || !lane.Paused)
                return false;
            lane.Paused = false;
            lane.LastReplayed = null;
            Volatile.Write(ref _pausedKeys, _pausedKeys - 1);
            if (lane.Head is null)
                ReleaseLaneIfUnusedLocked(lane);
            else
                OnResumedLocked(lane);
            return true;
        }

        protected override void RemoveAllLocked(List<Unstarted> into)
        {
            // Oldest first, so each lane gives up its requests from the head, in order.
            for (var request = _oldest; request is not null;)
            {
                var next = request.Newer;
                // A paused lane's first requests, up to its LastReplayed, are replays at its head (removed from the head on).
                bool replayed = request.Lane?.LastReplayed is not null;
                into.Add(new Unstarted(request.Envelope, request.HasKey, request.Key, request.Completion, request.EnqueuedAt, request.Parent, replayed));
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
        }

        public override void CountKeysLocked(KeyBacklogCounter backlogs)
        {
            for (var request = _oldest; request is not null; request = request.Newer)
                backlogs.Add(request.HasKey, request.Key);
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

        protected Lane? FindLaneLocked(TKey key)
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
        protected void ReleaseLaneIfUnusedLocked(Lane lane)
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

        protected void RecycleLocked(QueuedRequest request)
        {
            request.Clear();
            if (_requestPool.Count < _poolLimit)
                _requestPool.Push(request);
        }
    }
}
