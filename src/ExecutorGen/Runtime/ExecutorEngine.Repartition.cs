using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace ExecutorGen.Runtime;

public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher>
{
    // How many schedulers admit requests: the first ones of _schedulers. Under PerPartition the worker count (the others
    // are partitions a shrink retired: empty, with no room, kept for their lifetime counts); else all of them. Written
    // under every scheduler's lock, after _schedulers (readers read it first: SchedulerFor).
    private volatile int _activeSchedulers;

    // Counts re-partitionings; written under _lock and every scheduler's lock. A scheduler chosen by key before a change
    // and locked after it is chosen again (Admit, ResumeKey). Zero unless SetWorkerCount ran under PerPartition.
    private int _layout;

    // For each new partition's share of the backpressure watermark.
    private readonly double _highWatermark;

    /// <summary>
    /// Partitions the keys over <paramref name="workerCount"/> workers (PerPartition), holding the engine's lock and,
    /// for the whole change, every scheduler's (in index order; nothing else holds two scheduler locks).
    /// </summary>
    /// <remarks>
    /// <para>
    /// A key's order across the change is kept by moving, not waiting: every queued request leaves its partition (oldest
    /// first, so each key's requests keep their order), and is queued in its key's new one, with its original queue
    /// time; paused keys stay paused there, waiting submitters wait for their key's new partition, and the shares of the
    /// capacity are computed again (a partition may so hold more than its new share for a while: it then admits
    /// nothing until it has drained below it). What cannot move is a request running: a partition has at most one,
    /// and if its key now belongs to another partition, that partition is <em>fenced</em>: it starts nothing until the
    /// request has finished (<see cref="ReleaseFences"/>). So a moved key starts on its new worker only after its
    /// requests on the old one have finished, and the wait is one handler call at most, not a backlog.
    /// </para>
    /// <para>
    /// Growing starts a worker for each new partition (or keeps a retiring one still running that partition's last
    /// request: two workers must never serve one partition). Shrinking retires the workers of the partitions beyond
    /// the new count: their queues have moved, so each ends once its running request is done. A retired partition keeps
    /// its place (and its counts) in the schedulers, with no room, so a later grow takes it back.
    /// </para>
    /// <para>
    /// The jump consistent hash keeps the moves small: growing moves only the keys of the new partitions, shrinking only
    /// those of the retired ones. (A cheaper variant, moving only those keys, would need a key's requests to be found
    /// in a partition's queue; moving the whole queue is linear in the requests queued, once per call.)
    /// </para>
    /// </remarks>
    private void RepartitionLocked(int workerCount)
    {
        var schedulers = _schedulers;
        int before = _activeSchedulers;
        if (workerCount > schedulers.Length)
        {
            var longer = new Scheduler[workerCount];
            Array.Copy(schedulers, longer, schedulers.Length);
            for (int i = schedulers.Length; i < workerCount; i++)
                longer[i] = NewPartition(i, Share(i, workerCount));
            schedulers = longer;
        }

        int entered = 0;
        try
        {
            for (; entered < schedulers.Length; entered++)
                Enter(schedulers[entered].Sync);
            MoveQueuesLocked(schedulers, workerCount);
            // Published under every lock: the array first, then the count, then the layout (see SchedulerFor and Admit).
            Volatile.Write(ref _schedulers, schedulers);
            _activeSchedulers = workerCount;
            Volatile.Write(ref _layout, _layout + 1);
            StaffPartitionsLocked(before, workerCount);
            foreach (var scheduler in schedulers)
                scheduler.AssertInvariantsLocked();
        }
        finally
        {
            for (int i = entered - 1; i >= 0; i--)
                Exit(schedulers[i].Sync);
        }
    }

    /// <summary>Partition <paramref name="index"/>'s share of the capacity over <paramref name="partitions"/> (zero beyond them): the shares add up to it.</summary>
    private int Share(int index, int partitions) =>
        index >= partitions ? 0 : _capacity / partitions + (index < _capacity % partitions ? 1 : 0);

    private Scheduler NewPartition(int index, int share) => _keyedLanes
        ? new PartitionLaneScheduler(this, index, new Room(share, shared: false), FillMark(share), new SyncObject(), new IdleWorkers(shared: false))
        : new PartitionScheduler(this, index, new Room(share, shared: false), FillMark(share), new SyncObject(), new IdleWorkers(shared: false));

    private int FillMark(int share) => (int)Math.Ceiling(_highWatermark * share);

    /// <summary>Fences, moved queues, new shares and moved waiters (see <see cref="RepartitionLocked"/>); every lock held.</summary>
    private void MoveQueuesLocked(Scheduler[] schedulers, int partitions)
    {
        FenceMovedRunningKeysLocked(schedulers, partitions);

        var moving = new List<Unstarted>[schedulers.Length];
        var pausedKeys = new List<TKey>();
        for (int i = 0; i < schedulers.Length; i++)
        {
            moving[i] = new List<Unstarted>();
            schedulers[i].TakeAllForMoveLocked(moving[i], pausedKeys);
            schedulers[i].SetShareLocked(Share(i, partitions), FillMark(Share(i, partitions)));
        }
        foreach (var key in pausedKeys)
            schedulers[PartitionHash.Bucket(key, partitions)].PauseKeyLocked(key);

        // Oldest first over all partitions (each list is in its own order, which is its keys' order).
        int unkeyed = 0;
        var next = new int[moving.Length];
        while (true)
        {
            int earliest = -1;
            for (int i = 0; i < moving.Length; i++)
            {
                if (next[i] < moving[i].Count && (earliest < 0 || moving[i][next[i]].EnqueuedAt < moving[earliest][next[earliest]].EnqueuedAt))
                    earliest = i;
            }
            if (earliest < 0)
                break;
            var request = moving[earliest][next[earliest]++];
            int to = request.HasKey ? PartitionHash.Bucket(request.Key, partitions) : unkeyed++ % partitions;
            schedulers[to].AcceptMovedLocked(request);
        }

        // Waiting submitters wait for their key's new partition; their order in the one list is kept.
        for (var node = _waiters.First; node is not null; node = node.Next)
        {
            var waiter = node.Value;
            schedulers[waiter.Scheduler].RemoveWaiterLocked();
            waiter.Scheduler = waiter.HasKey ? PartitionHash.Bucket(waiter.Key, partitions) : unkeyed++ % partitions;
            schedulers[waiter.Scheduler].AddWaiterLocked();
        }
    }

    /// <summary>
    /// Fences the new partition of each running request's key, where that is not the partition running it, until the
    /// request has finished. Fences of requests no longer running (put back by a faulted worker, and now moved with its
    /// queue, so nothing of their key runs) are released first.
    /// </summary>
    private void FenceMovedRunningKeysLocked(Scheduler[] schedulers, int partitions)
    {
        foreach (var worker in _workers)
        {
            if (worker.Fences is null || worker.IsBusy)
                continue;
            foreach (var fence in worker.TakeFences()!)
                schedulers[fence.Partition].ReleaseFenceLocked();
        }
        foreach (var scheduler in schedulers)
        {
            if (scheduler.RunningCount == 0 || !scheduler.TryGetRunningKeyLocked(out var key))
                continue;
            int to = PartitionHash.Bucket(key, partitions);
            if (to == scheduler.Index || PartitionWorkerLocked(scheduler.Index) is not { } worker)
                continue;
            schedulers[to].FenceLocked();
            (worker.Fences ??= new List<Fence>()).Add(new Fence(to, key));
        }
    }

    /// <summary>
    /// Gives each partition below <paramref name="partitions"/> a worker and retires those of the partitions beyond it.
    /// A partition's worker may still be retiring (running its last request): it is kept rather than joined by a second.
    /// </summary>
    private void StaffPartitionsLocked(int before, int partitions)
    {
        for (int partition = partitions; partition < before; partition++)
        {
            if (PartitionWorkerLocked(partition) is { } worker)
                RetireLocked(worker);
        }
        for (int partition = before; partition < partitions; partition++)
        {
            if (PartitionWorkerLocked(partition) is { } worker)
                worker.Retiring = false; // under its partition's lock, where it decides to end
            else
                StartWorkerLocked(isReplacement: false, partition);
        }
    }

    /// <summary>The worker serving a partition and not ended (its partition's lock held: that is where it ends); at most one.</summary>
    private WorkerState? PartitionWorkerLocked(int partition)
    {
        foreach (var worker in _workers)
        {
            if (worker.Scheduler == partition && !worker.IsRetired)
                return worker;
        }
        return null;
    }

    /// <summary>
    /// A request whose key a re-partitioning moved has finished on <paramref name="worker"/>: the partitions fenced for it
    /// may start again. Under <see cref="DeadLetterPolicy.PauseKey"/> a dead letter paused the key in the old partition,
    /// where it no longer is: the pause moves to the key's partition first, so its requests there stay held.
    /// </summary>
    private void ReleaseFences(WorkerState worker, List<Fence> fences, Outcome outcome)
    {
        if (outcome == Outcome.DeadLettered && _pauseKeyOnDeadLetter)
            MovePause(_schedulers[worker.Scheduler], (TKey)fences[0].Key!);
        foreach (var fence in fences)
        {
            var scheduler = _schedulers[fence.Partition];
            lock (scheduler.Sync)
            {
                scheduler.ReleaseFenceLocked();
                scheduler.AssertInvariantsLocked();
            }
        }
    }

    /// <summary>Moves a key's pause from a partition it has left to the one it belongs to now.</summary>
    private void MovePause(Scheduler from, TKey key)
    {
        lock (from.Sync)
        {
            if (!from.TryUnpauseEmptyLaneLocked(key))
                return; // not paused there (a later re-partitioning moved the pause along already)
            from.AssertInvariantsLocked();
        }
        while (true)
        {
            int layout = Volatile.Read(ref _layout);
            var to = SchedulerFor(hasKey: true, key);
            lock (to.Sync)
            {
                if (layout != _layout)
                    continue;
                to.PauseKeyLocked(key);
                to.AssertInvariantsLocked();
                return;
            }
        }
    }

    private static void Enter(SyncObject sync)
    {
#if NET9_0_OR_GREATER
        sync.Enter();
#else
        Monitor.Enter(sync);
#endif
    }

    private static void Exit(SyncObject sync)
    {
#if NET9_0_OR_GREATER
        sync.Exit();
#else
        Monitor.Exit(sync);
#endif
    }

    private abstract partial class Scheduler
    {
        // Requests of keys moved here that still run on their old partition's worker (guarded by Sync): while any, this
        // partition starts nothing (see RepartitionLocked).
        private int _fences;

        /// <summary>
        /// Whether a fence keeps an idle worker from ending at shutdown: a drain must still run what the fence holds back;
        /// a cancel has taken every queued request out already.
        /// </summary>
        private bool FenceKeepsWorkerLocked => _fences > 0 && Engine._state != EngineState.Cancelling;

        public void FenceLocked() => _fences++;

        public void ReleaseFenceLocked()
        {
            Debug.Assert(_fences > 0, "a fence is released once");
            if (--_fences == 0)
                WakeIdleAfterFenceLocked();
        }

        /// <summary>Its share of the capacity and of the backpressure watermark, after a re-partitioning.</summary>
        public void SetShareLocked(int share, int fillMark)
        {
            Room.Resize(share);
            FillMark = fillMark;
        }

        /// <summary>Takes every queued request out, oldest first, for another partition, and adds the keys paused here to <paramref name="pausedKeys"/>.</summary>
        public void TakeAllForMoveLocked(List<Unstarted> into, List<TKey> pausedKeys)
        {
            CollectPausedKeysLocked(pausedKeys);
            RemoveAllQueuedLocked(into);
        }

        /// <summary>
        /// Queues a request moved here from another partition: it was counted as submitted where it was accepted, and it
        /// may take this partition over its share (room is taken whether or not there is any).
        /// </summary>
        public void AcceptMovedLocked(in Unstarted request)
        {
            Room.TakeAnyway();
            EnqueueLocked(request.Envelope, request.HasKey, request.Key, lane: null, request.Completion, request.Parent, request.EnqueuedAt);
            Volatile.Write(ref _submitted, _submitted - 1); // EnqueueLocked counted it again
            if (request.ReplayedAtPausedHead)
                MarkLastReplayedLocked(request.Key);
        }

        /// <summary>The request just moved to the tail of a paused key's lane was replayed at its head: later replays go after it.</summary>
        protected virtual void MarkLastReplayedLocked(TKey key)
        {
        }

        /// <summary>The key of the request running here, if one runs and has a key (a partition runs one at a time).</summary>
        public abstract bool TryGetRunningKeyLocked(out TKey key);

        /// <summary>Adds the keys paused here (<see cref="DeadLetterPolicy.PauseKey"/>); without lanes there are none.</summary>
        protected virtual void CollectPausedKeysLocked(List<TKey> into)
        {
        }

        /// <summary>Pauses a key whose pause moved here; its requests queued from now on are held until <c>ResumeKey</c>.</summary>
        public virtual void PauseKeyLocked(TKey key)
        {
        }

        /// <summary>Releases a key's pause here if its lane holds nothing (its requests moved away); <see langword="false"/> if it was not paused.</summary>
        public virtual bool TryUnpauseEmptyLaneLocked(TKey key) => false;

        private void WakeIdleAfterFenceLocked()
        {
            WakeIdleLocked();
            WakeAllIfStoppingAndDoneLocked();
        }
    }

    private abstract partial class LaneScheduler
    {
        /// <summary>Under PerPartition one request at most runs here, and its key's lane is the one running.</summary>
        public override bool TryGetRunningKeyLocked(out TKey key)
        {
            foreach (var lane in _lanes.Values)
            {
                if (lane.State == LaneState.Running)
                {
                    key = lane.Key;
                    return true;
                }
            }
            key = default!;
            if (_nullKeyLane is not { State: LaneState.Running })
                return false;
            key = _nullKeyLane.Key;
            return true;
        }

        protected override void CollectPausedKeysLocked(List<TKey> into)
        {
            foreach (var lane in _lanes.Values)
            {
                if (lane.Paused)
                    into.Add(lane.Key);
            }
            if (_nullKeyLane is { Paused: true })
                into.Add(_nullKeyLane.Key);
        }

        public override void PauseKeyLocked(TKey key)
        {
            var lane = GetOrCreateLaneLocked(key);
            if (lane.Paused)
                return;
            lane.Paused = true;
            Volatile.Write(ref _pausedKeys, _pausedKeys + 1);
        }

        protected override void MarkLastReplayedLocked(TKey key)
        {
            if (FindLaneLocked(key) is { Paused: true, Tail: { } moved } lane)
                lane.LastReplayed = moved;
        }

        public override bool TryUnpauseEmptyLaneLocked(TKey key)
        {
            if (FindLaneLocked(key) is not { Paused: true, Head: null } lane)
                return false;
            lane.Paused = false;
            Volatile.Write(ref _pausedKeys, _pausedKeys - 1);
            ReleaseLaneIfUnusedLocked(lane);
            return true;
        }
    }

    private sealed partial class PartitionScheduler
    {
        public override bool TryGetRunningKeyLocked(out TKey key)
        {
            key = _running.Key;
            return RunningCount > 0 && _running.HasKey;
        }
    }
}
