using System.Threading;

namespace ExecutorGen.Runtime;

public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher>
{
    // Under sharded PerKey, the idle workers of every shard (see below); else null.
    private readonly IdleWorkers? _sharedIdle;

    /// <summary>
    /// A worker's next step under sharded PerKey. Each worker has a home shard of the keys (a scheduler with its own
    /// lock, lanes and ready queue); it runs its home's work first and, when its home has nothing ready, takes work
    /// from another shard, so a key still runs on any free worker and a long handler holds up only its own key. A
    /// lane lives in one shard and is taken and finished under that shard's lock only, so each key's requests still
    /// run one at a time, in order, whichever worker runs them.
    /// </summary>
    /// <remarks>
    /// Going idle without losing a wake-up: a worker registers in the shared idle list first and only then looks at
    /// every shard again, each under its lock; a producer (or a finishing worker) that makes work ready in a shard
    /// looks at the idle list under that shard's lock. Whichever of the two takes the shard's lock second sees the
    /// other's change: the worker finds the work, or the producer finds the worker and wakes it. Every wake-up
    /// stands for work made ready: a worker that finds work after registering takes itself out of the list, or, if
    /// it was woken meanwhile, takes that wake-up back (<see cref="WorkerSignal.ConsumeSet"/>) and hands it on to
    /// another idle worker, since what it found need not be what it was woken for. Ending works the same way: a
    /// worker ends once intake is closed and every shard is drained, and the worker that drains the last shard
    /// wakes every idle one.
    /// </remarks>
    private Step NextStepSharded(WorkerState worker, long now, out QueuedRequest? request)
    {
        if (worker.Retiring)
        {
            RetireFromPool(worker); // SetWorkerCount took it out of the pool
            request = null;
            return Step.Exit;
        }
        if (worker.IsReplacement && RetireReplacementIfUnneeded(worker))
        {
            request = null;
            return Step.Exit;
        }
        // A first look, at the shards that hold queued requests (a hint read without their locks).
        if (TryStartAnywhere(worker, now, onlyWhereQueued: true, out request))
            return Step.Run;

        lock (_sharedIdle!.Sync!)
            _sharedIdle.Push(worker);
        bool found = TryStartAnywhere(worker, now, onlyWhereQueued: false, out request);
        // A worker SetWorkerCount retires after its registration here is seen by the look below (it is marked before
        // the idle list is looked at under its lock, which this worker has taken since).
        bool ends = !found && (worker.Retiring || AllShardsDrained());
        if (!found && !ends)
            return Step.Wait;

        lock (_sharedIdle.Sync!)
        {
            if (!_sharedIdle.TryRemove(worker))
            {
                // Woken meanwhile (set under this lock, before the removal failed): the wake-up is taken back, and,
                // as this worker runs what it found rather than what it was woken for, handed on to another.
                worker.Signal.ConsumeSet();
                if (found || worker.Retiring)
                    _sharedIdle.WakeOne();
            }
        }
        if (found)
            return Step.Run;
        worker.IsRetired = true;
        return Step.Exit;
    }

    /// <summary>
    /// Starts the next ready request of the worker's home shard, else of the next shard in turn that has one.
    /// <paramref name="onlyWhereQueued"/>: skip the shards whose queued count (read without their lock) is zero.
    /// </summary>
    private bool TryStartAnywhere(WorkerState worker, long now, bool onlyWhereQueued, out QueuedRequest? request)
    {
        int shards = _schedulers.Length;
        for (int i = 0; i < shards; i++)
        {
            var scheduler = _schedulers[(worker.Scheduler + i) % shards];
            if (onlyWhereQueued && i > 0 && scheduler.QueuedCount == 0)
                continue;
            bool started, admitWaiters;
            lock (scheduler.Sync)
            {
                started = scheduler.TryStartLocked(worker, now, out request, out admitWaiters);
                scheduler.AssertInvariantsLocked();
            }
            if (admitWaiters)
                AdmitWaiters(worker);
            if (started)
                return true;
        }
        request = null;
        return false;
    }

    /// <summary>
    /// Whether intake is closed and every shard is drained, each looked at under its lock. Every shard's lock is
    /// entered, even after one was not drained: a shutdown's look thereby publishes the closed intake to every shard
    /// (see <see cref="_state"/>), so the worker that later drains the last shard sees it.
    /// </summary>
    private bool AllShardsDrained()
    {
        if (_state == EngineState.Running)
            return false; // read without a lock: a worker that reads it late is woken by the shutdown's own look
        bool drained = true;
        foreach (var scheduler in _schedulers)
        {
            lock (scheduler.Sync)
                drained &= scheduler.IsDrainedLocked;
        }
        return drained;
    }

    /// <summary>
    /// Wakes every idle worker, to end, once intake is closed and every shard is drained. Called with no shard's lock
    /// held, after a shard was seen drained: of two workers draining the last two shards at once, the second to
    /// look at the other's shard sees both drained.
    /// </summary>
    private void WakeAllIfAllShardsDrained()
    {
        if (!AllShardsDrained())
            return;
        lock (_sharedIdle!.Sync!)
            _sharedIdle.WakeAll();
    }

    /// <summary>
    /// A replacement retires once the worker it stood in for is back (under the engine's lock, which guards the
    /// worker list); a wake-up it may have been given for work is handed on.
    /// </summary>
    private bool RetireReplacementIfUnneeded(WorkerState worker)
    {
        lock (_lock)
        {
            if (ReplacementStillNeededLocked())
                return false;
            worker.IsRetired = true;
        }
        HandOnWakeUp();
        return true;
    }

    /// <summary>
    /// A worker that ends without taking work hands on a wake-up it may have been given for work: if any shard has
    /// work queued, another idle worker is woken for it.
    /// </summary>
    private void HandOnWakeUp()
    {
        foreach (var scheduler in _schedulers)
        {
            if (scheduler.QueuedCount == 0)
                continue;
            lock (_sharedIdle!.Sync!)
                _sharedIdle.WakeOne();
            return;
        }
    }
}

