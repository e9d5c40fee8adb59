using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace ExecutorGen.Runtime;

public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher>
{
    /// <summary>
    /// A PerPartition worker's queue when keys need no lanes (no per-key limit, no PauseKey): a ring of the queued
    /// requests in arrival order, which its one worker runs one after another. That order is each key's submission
    /// order (a key always maps to this worker), so nothing else is kept: an admission writes one slot, a take
    /// moves one into the worker's own running slot, and the producer and the worker share no other memory, much
    /// as with a bounded channel per worker.
    /// </summary>
    /// <remarks>
    /// Invariants: the ring holds exactly the <c>_queued</c> queued requests, oldest at <c>_head</c>; slots outside
    /// them are cleared (they hold no references); <c>_running</c> is the request its worker runs, if any.
    /// </remarks>
    private sealed partial class PartitionScheduler : Scheduler
    {
        private Entry[] _ring = new Entry[16]; // grows by doubling, up to the capacity (plus a faulted worker's request)
        private int _head;

        // The one worker's request: filled from the ring when taken, so running it touches nothing the producer writes.
        private readonly QueuedRequest _running = new();

        public PartitionScheduler(ExecutorEngine<TKey, TEnvelope, TDispatcher> engine, int index, Room room, int fillMark, SyncObject sync, IdleWorkers idle)
            : base(engine, index, room, fillMark, sync, idle)
        {
        }

        private struct Entry
        {
            public TEnvelope Envelope;
            public TKey Key;
            public bool HasKey;
            public IRequestCompletion? Completion;
            public ActivityContext Parent;
            public long EnqueuedAt;
        }

        protected override bool HasReadyLocked => _queued > 0;

        protected override bool KeyFullLocked(bool hasKey, TKey key, out Lane? lane)
        {
            lane = null;
            return false;
        }

        protected override void EnqueueLocked(in TEnvelope envelope, bool hasKey, TKey key, Lane? lane, IRequestCompletion? completion, ActivityContext parent, long enqueuedAt)
        {
            if (_queued == _ring.Length)
                Grow();
            ref var slot = ref _ring[Slot(_queued)];
            slot.Envelope = envelope;
            slot.Key = key;
            slot.HasKey = hasKey;
            slot.Completion = completion;
            slot.Parent = parent;
            slot.EnqueuedAt = enqueuedAt;
            Volatile.Write(ref _queued, _queued + 1);
            CountSubmittedLocked();
            WakeOneLocked();
        }

        protected override Shed ShedOldestLocked(Lane? keyLane)
        {
            ref var oldest = ref _ring[_head];
            var shed = Drop(oldest.Envelope, oldest.HasKey, oldest.Key, oldest.Completion);
            TakeHead();
            return shed;
        }

        protected override bool TryTakeLocked(out QueuedRequest request)
        {
            request = _running;
            if (_queued == 0)
            {
                _running.Clear(); // the worker goes idle or ends: its last request's objects are let go
                return false;
            }
            ref var head = ref _ring[_head];
            _running.Envelope = head.Envelope;
            _running.Key = head.Key;
            _running.HasKey = head.HasKey;
            _running.Completion = head.Completion;
            _running.Parent = head.Parent;
            _running.EnqueuedAt = head.EnqueuedAt;
            _running.Failure = null;
            TakeHead();
            return true;
        }

        /// <summary>
        /// The slot keeps the finished request until the next take overwrites it, or until a take finds nothing and
        /// clears it: clearing it here only to fill it again at once cost a dozen writes per request.
        /// </summary>
        protected override void ReleaseFinishedLocked(QueuedRequest request, bool deadLettered) =>
            Debug.Assert(request == _running, "a partition's one worker runs its running slot");

        protected override void RequeueAtHeadLocked(QueuedRequest request)
        {
            if (_queued == _ring.Length)
                Grow();
            _head = _head == 0 ? _ring.Length - 1 : _head - 1;
            ref var slot = ref _ring[_head];
            slot.Envelope = request.Envelope;
            slot.Key = request.Key;
            slot.HasKey = request.HasKey;
            slot.Completion = request.Completion;
            slot.Parent = request.Parent;
            slot.EnqueuedAt = request.EnqueuedAt;
            Volatile.Write(ref _queued, _queued + 1);
            request.Clear();
            WakeOneLocked();
        }

        protected override void RemoveAllLocked(List<Unstarted> into)
        {
            while (_queued > 0)
            {
                ref var oldest = ref _ring[_head];
                into.Add(new Unstarted(oldest.Envelope, oldest.HasKey, oldest.Key, oldest.Completion, oldest.EnqueuedAt, oldest.Parent));
                TakeHead();
            }
        }

        public override void CountKeysLocked(KeyBacklogCounter backlogs)
        {
            for (int i = 0; i < _queued; i++)
            {
                ref var entry = ref _ring[Slot(i)];
                backlogs.Add(entry.HasKey, entry.Key);
            }
        }

        protected override void AssertStateLocked()
        {
            Debug.Assert(_queued <= _ring.Length, "the ring holds the queued requests");
            if (_ring.Length > 1024)
                return;
            for (int i = _queued; i < _ring.Length; i++)
                Debug.Assert(_ring[Slot(i)].Completion is null, "a free slot holds nothing");
        }

        /// <summary>The ring slot of the queued request <paramref name="offset"/> places after the oldest.</summary>
        private int Slot(int offset)
        {
            int slot = _head + offset;
            return slot < _ring.Length ? slot : slot - _ring.Length;
        }

        /// <summary>Clears the oldest slot (it must not keep the request's objects alive) and moves on.</summary>
        private void TakeHead()
        {
            _ring[_head] = default;
            _head = _head + 1 == _ring.Length ? 0 : _head + 1;
            Volatile.Write(ref _queued, _queued - 1);
        }

        private void Grow()
        {
            var larger = new Entry[_ring.Length * 2];
            for (int i = 0; i < _queued; i++)
                larger[i] = _ring[Slot(i)];
            _ring = larger;
            _head = 0;
        }
    }
}
