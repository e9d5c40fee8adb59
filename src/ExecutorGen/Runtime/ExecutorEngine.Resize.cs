using System;
using System.Threading;

namespace ExecutorGen.Runtime;

public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher>
{
    // Queue and processing times of the workers SetWorkerCount retired, once their loops ended (guarded by _lock), so the
    // merged histograms keep every request ever run: the backpressure window reads their growth, which must never shrink.
    private readonly LatencyHistogram _retiredQueueTime = new();
    private readonly LatencyHistogram _retiredProcessingTime = new();

    /// <summary>
    /// Grows or shrinks the pool of workers while requests flow, keeping every key's order. Calls are serialised; it
    /// returns at once (it never waits for a handler).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Growing starts workers. Shrinking retires workers at their next step: a worker never abandons a request it has
    /// taken, it finishes it and then ends (so for a moment more workers than asked for may run; <c>WorkerCount</c>
    /// reports the new count at once, <c>Workers</c> lists a retired worker until its loop has ended). The figures of
    /// retired workers stay in the totals and latency summaries. Ids of ended workers are used again.
    /// </para>
    /// <para>
    /// Under <see cref="Ordering.PerKey"/> the keys stay in the shards the executor was built with (one per initial
    /// worker, or a single one): a worker's home shard is its id modulo the shard count, and every worker takes work
    /// from every shard, so any count works; the default per-key limit stays the one computed from the initial count.
    /// Under <see cref="Ordering.PerPartition"/> the keys are partitioned again over the new count (ExecutorEngine.Repartition):
    /// queued requests move to their key's new partition in order, each partition's share of the capacity is
    /// recomputed, and a partition that received a key whose request is still running on its old worker starts nothing
    /// until that request has finished. (A handler that awaits <c>InvokeAsync</c> of its own executor, which EXG009 warns
    /// about, can so wait forever: when the awaited request lands in the partition fenced on that very handler.)
    /// </para>
    /// <para>Once shutdown has begun nothing happens (as with <see cref="Pause"/>).</para>
    /// </remarks>
    /// <param name="workerCount">The new number of workers: at least 1; under PerPartition at most the capacity.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="workerCount"/> is out of range.</exception>
    public void SetWorkerCount(int workerCount)
    {
        if (workerCount < 1)
            throw new ArgumentOutOfRangeException(nameof(workerCount), workerCount, "The worker count must be at least 1.");
        if (_pinned && workerCount > _capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(workerCount), workerCount,
                $"Under Ordering.PerPartition each worker's partition holds its share of the capacity ({_capacity}), so the worker count must not exceed it.");
        }

        bool repartitioned = false;
        // New workers must not inherit the caller's async-local state (see the constructor).
        bool suppress = !ExecutionContext.IsFlowSuppressed();
        var flow = suppress ? ExecutionContext.SuppressFlow() : default;
        try
        {
            lock (_lock)
            {
                if (_state != EngineState.Running)
                    return;
                SweepRetiredWorkersLocked();
                if (workerCount == _workerCount)
                    return;
                _workerCount = workerCount;
                _backpressure.WorkerCount = workerCount;
                if (_pinned)
                {
                    RepartitionLocked(workerCount);
                    repartitioned = true;
                }
                else
                {
                    ResizePoolLocked(workerCount);
                }
            }
        }
        finally
        {
            if (suppress)
                flow.Undo();
        }
        if (repartitioned)
            AdmitWaiters(worker: null); // partitions with more room, and waiters moved to another partition
    }

    /// <summary>
    /// The pool of a shared scheduling (Unordered, PerKey): workers take work from every scheduler, so growing starts
    /// workers and shrinking retires the ones with the highest ids. A retiring worker is not taken back by a later grow:
    /// it may be deciding to end without a lock (sharded PerKey), so new ones start instead.
    /// </summary>
    private void ResizePoolLocked(int workerCount)
    {
        int members = 0;
        foreach (var worker in _workers)
        {
            if (IsPoolMember(worker))
                members++;
        }
        for (; members < workerCount; members++)
            StartWorkerLocked(isReplacement: false);
        for (int i = _workers.Count - 1; i >= 0 && members > workerCount; i--)
        {
            if (!IsPoolMember(_workers[i]))
                continue;
            RetireLocked(_workers[i]);
            members--;
        }
    }

    /// <summary>A configured worker (not a replacement) that has not ended and is not leaving.</summary>
    private static bool IsPoolMember(WorkerState worker) => !worker.IsRetired && !worker.Retiring && !worker.IsReplacement;

    /// <summary>
    /// Marks a worker to end at its next step, and wakes it if it is idle. The mark is written under the lock it
    /// registers as idle under (its scheduler's, held by the caller under PerPartition, or the engine's with one
    /// scheduler) or, under sharded PerKey, before the shared idle list is looked at under its lock: either the worker
    /// is found idle here and woken, or it registers afterwards and sees the mark (ExecutorEngine.Sharding).
    /// </summary>
    private void RetireLocked(WorkerState worker)
    {
        worker.Retiring = true;
        if (_sharded)
        {
            lock (_sharedIdle!.Sync!)
            {
                if (_sharedIdle.TryRemove(worker))
                    worker.Signal.Set();
            }
            return;
        }
        var scheduler = _schedulers[worker.Scheduler];
        lock (scheduler.Sync)
            scheduler.WakeIfIdleLocked(worker);
    }

    /// <summary>
    /// A retiring worker of sharded PerKey ends: a wake-up it may have been given for work is handed on, as a retired
    /// replacement does (ExecutorEngine.Sharding).
    /// </summary>
    private void RetireFromPool(WorkerState worker)
    {
        lock (_lock)
            worker.IsRetired = true;
        HandOnWakeUp();
    }

    /// <summary>
    /// Takes the workers SetWorkerCount retired out of the workers list once their loops have ended (a completed task
    /// also makes their last figures visible here), keeping their latencies in the totals. Replacements for stuck workers
    /// and workers ended by shutdown stay listed, as before.
    /// </summary>
    private void SweepRetiredWorkersLocked()
    {
        for (int i = _workers.Count - 1; i >= 0; i--)
        {
            var worker = _workers[i];
            if (!worker.Retiring || !worker.Completion.IsCompleted)
                continue;
            worker.QueueTime.AddTo(_retiredQueueTime);
            worker.ProcessingTime.AddTo(_retiredProcessingTime);
            _workers.RemoveAt(i);
        }
    }

    /// <summary>The lowest id no listed worker has: ids of swept workers are used again, so ids stay small however often the pool changes.</summary>
    private int FreeWorkerIdLocked()
    {
        var used = new bool[_workers.Count + 1];
        foreach (var worker in _workers)
        {
            if (worker.Id < used.Length)
                used[worker.Id] = true;
        }
        return Array.IndexOf(used, false);
    }

    private abstract partial class Scheduler
    {
        /// <summary>
        /// Whether a retiring worker ends now. Sharing a scheduler, at once (the others run what is ready); under
        /// PerPartition once its partition has nothing ready (a re-partitioning moved its queue away; only a request
        /// its own faulted loop put back can be left, which must run here, in its key's order).
        /// </summary>
        private bool RetiresNowLocked(WorkerState worker) => worker.Retiring && (!Engine._pinned || !HasReadyLocked);

        /// <summary>Whether the worker may not start a request here: the partition is fenced, or a retiring worker of a shared scheduler.</summary>
        private bool MayNotStartLocked(WorkerState worker) => _fences > 0 || (worker.Retiring && !Engine._pinned);

        /// <summary>Wakes <paramref name="worker"/> if it waits in this scheduler's own idle list (a retiring worker must see its mark).</summary>
        public void WakeIfIdleLocked(WorkerState worker)
        {
            if (_idle.Sync is null && _idle.TryRemove(worker))
                worker.Signal.Set();
        }
    }
}
