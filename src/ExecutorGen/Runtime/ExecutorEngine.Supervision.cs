using System;
using System.Threading;

namespace ExecutorGen.Runtime;

public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher>
{
    private readonly TimeSpan? _stuckAfter;
    private int _ticks;
    private int _ticksPerSample = 1;

    /// <summary>
    /// Marks workers whose handler has run longer than <c>StuckAfter</c>. The mark goes when that request is
    /// finished (<see cref="Scheduler.FinishLocked"/>), not on a later pass, which may read an earlier clock than the one
    /// that set it (a test looking ahead, then the engine's timer).
    /// With a shared ready queue a replacement worker starts for each stuck one, so the other keys keep the
    /// full worker capacity; it retires once the stuck worker is back. Under PerPartition the stuck worker's
    /// keys wait for it by design (their order pins them to it); the other partitions are unaffected.
    /// </summary>
    private void SuperviseLocked(long now)
    {
        if (_stuckAfter is not { } stuckAfter)
            return;
        int count = _workers.Count;
        for (int i = 0; i < count; i++)
        {
            var worker = _workers[i];
            // Under the lock of the scheduler its request came from, where that request's finish clears the mark: a
            // mark set here is never left behind by a request that finished meanwhile. (With one scheduler that lock
            // is held already.) A worker that meanwhile started a request elsewhere is looked at on the next pass.
            int current = worker.CurrentScheduler;
            lock (_schedulers[current].Sync)
            {
                if (worker.IsRetired || worker.CurrentScheduler != current)
                    continue;
                var runningFor = worker.RunningFor(now);
                if (!worker.IsStuck && runningFor > stuckAfter)
                {
                    worker.IsStuck = true;
                    bool replace = !_pinned && _state == EngineState.Running && !worker.Retiring;
                    if (replace)
                        StartWorkerLocked(isReplacement: true);
                    _events.PostWorkerStuck(new WorkerStuckEventArgs(worker.Id, runningFor, replace));
                }
            }
        }
    }

    /// <summary>Runs one supervision pass as of <paramref name="now"/> (a Stopwatch timestamp), for tests.</summary>
    internal void SuperviseAt(long now)
    {
        lock (_lock)
            SuperviseLocked(now);
    }

    /// <summary>A replacement is needed while fewer than WorkerCount workers are live, not stuck and not retiring.</summary>
    private bool ReplacementStillNeededLocked()
    {
        int healthy = 0;
        foreach (var worker in _workers)
        {
            if (!worker.IsRetired && !worker.IsStuck && !worker.Retiring)
                healthy++;
        }
        return healthy <= _workerCount;
    }
}
