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
    /// Scheduling with a lane per key: the whole executor's under PerKey and Unordered (ready keys take turns on any
    /// worker), or a PerPartition worker's when keys need lanes (a per-key limit, PauseKey).
    /// </summary>
    /// <remarks>
    /// Invariants, checked in Debug builds (ExecutorEngine.Invariants):
    ///  - a queued request is in exactly one place to be started from: its lane, or (unordered) the ready queue;
    ///    and in the all-queued list, oldest first, so the oldest queued request is always its lane's head;
    ///  - a lane is in at most one ready queue slot, and is Ready or Running, never both: one request per key
    ///    runs at a time, in lane (= submission) order, whichever worker takes it;
    ///  - under PerPartition (pinned) the ready queue holds requests instead, in arrival order: a queued request of
    ///    an unpaused key has exactly one live entry (its ticket is current), and only the partition's worker takes
    ///    from it, one request at a time, so a key's entries come out in lane order;
    ///  - _queued counts the requests in state Queued, and each key's lane stays at or below the per-key limit.
    /// </remarks>
    private sealed partial class LaneScheduler : Scheduler
    {
        private readonly bool _pinned;
        private readonly int _poolLimit;

        // A null key never reaches the dictionary (it has its own lane), so TKey needs no notnull constraint,
        // which would keep nullable key types out of generated executors.
#pragma warning disable CS8714
        private readonly Dictionary<TKey, Lane> _lanes = new();
#pragma warning restore CS8714
        private readonly ReadyQueue _ready = new();
        private readonly Stack<QueuedRequest> _requestPool = new();
        private readonly Stack<Lane> _lanePool = new();
        private Lane? _nullKeyLane;
        private QueuedRequest? _oldest, _newest;

        public LaneScheduler(ExecutorEngine<TKey, TEnvelope, TDispatcher> engine, int index, int capacity, int fillMark, SyncObject sync)
            : base(engine, index, capacity, fillMark, sync)
        {
            _pinned = engine._pinned;
            // Live requests (and lanes) never exceed the capacity plus one per worker, and so neither do the pools:
            // a full queue of distinct keys re-uses them instead of churning.
            _poolLimit = capacity + engine._workerCount;
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
            var request = _requestPool.Count > 0 ? _requestPool.Pop() : new QueuedRequest();
            request.Envelope = envelope;
            request.HasKey = hasKey;
            request.Key = key;
            request.Completion = completion;
            request.Parent = parent;
            request.EnqueuedAt = enqueuedAt;
            request.State = RequestState.Queued;

            request.Older = _newest;
            if (_newest is null)
                _oldest = request;
            else
                _newest.Newer = request;
            _newest = request;
            _queued++;
            CountSubmittedLocked();

            if (!hasKey || !Engine._keyedLanes)
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

        /// <summary>The head of the first ready lane, or an unordered request, or (pinned) the next live entry.</summary>
        protected override bool TryTakeLocked(out QueuedRequest request)
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
                    if (Engine.FaultReleaseKeyEarly && lane.Head is not null)
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
                return true;
            }
            request = null!;
            return false;
        }

        protected override void ReleaseFinishedLocked(QueuedRequest request, bool deadLettered)
        {
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
                else if (!_pinned)
                    MakeReadyLocked(lane); // under PerPartition its requests are in the ready queue already
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
        }

        public override bool ResumeKeyLocked(TKey key)
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

        protected override void RemoveAllLocked(List<Unstarted> into)
        {
            // Oldest first, so each lane gives up its requests from the head, in order.
            for (var request = _oldest; request is not null;)
            {
                var next = request.Newer;
                into.Add(new Unstarted(request.Envelope, request.HasKey, request.Key, request.Completion, request.EnqueuedAt));
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

#pragma warning disable CS8714 // a null key never reaches the dictionary: it is counted apart
        public override void CountKeysLocked(Dictionary<TKey, int> counts, ref int nullKeys)
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
}
