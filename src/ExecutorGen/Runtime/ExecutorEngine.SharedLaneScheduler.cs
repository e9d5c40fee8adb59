using System.Diagnostics;

namespace ExecutorGen.Runtime;

public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher>
{
    /// <summary>
    /// Scheduling with one ready queue of lanes with work and of requests without a key: the whole executor's under
    /// Unordered (and PerKey with one worker), one shard of the keys under PerKey with several workers, each shard
    /// served first by its own worker and then by any other that has nothing else (ExecutorEngine.Sharding). Ready
    /// keys take turns, one request each, so a hot key cannot crowd out the others, and any free worker runs any key.
    /// </summary>
    /// <remarks>
    /// Invariant: a lane is in at most one ready-queue slot, and is Ready or Running, never both: one request per
    /// key runs at a time, in lane (= submission) order, whichever worker takes it.
    /// </remarks>
    private sealed partial class SharedLaneScheduler : LaneScheduler
    {
        public SharedLaneScheduler(ExecutorEngine<TKey, TEnvelope, TDispatcher> engine, int index, Room room, int fillMark, SyncObject sync, IdleWorkers idle)
            : base(engine, index, room, fillMark, sync, idle)
        {
        }

        protected override void OnQueuedLocked(QueuedRequest request)
        {
            if (request.Lane is not { } lane)
                MakeReadyLocked(request);
            else if (lane.State == LaneState.Idle && !lane.Paused)
                MakeReadyLocked(lane);
        }

        protected override void OnLaneContinuesLocked(Lane lane) => MakeReadyLocked(lane);

        protected override void OnRequeuedLocked(QueuedRequest request)
        {
            if (request.Lane is { } lane)
                MakeReadyLocked(lane);
            else
                MakeReadyLocked(request);
        }

        protected override void OnResumedLocked(Lane lane) => MakeReadyLocked(lane);

        /// <summary>Still referenced by the ready queue: marked, and freed when its entry comes out.</summary>
        protected override void ForgetUnlanedLocked(QueuedRequest request) => request.State = RequestState.Removed;

        /// <summary>The head of the first ready lane, or a request without a key.</summary>
        protected override bool TryDequeueLocked(out QueuedRequest request)
        {
            while (_ready.Count > 0)
            {
                var item = _ready.Dequeue();
                if (item.Lane is { } lane)
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
                    if (TestHooks.Enabled && Engine._faultReleaseKeyEarly && lane.Head is not null)
                        MakeReadyLocked(lane); // the deliberate bug the schedule-exploration tests must catch
                    return true;
                }
                request = item.Request!;
                if (request.State != RequestState.Removed)
                    return true;
                RecycleLocked(request);
            }
            request = null!;
            return false;
        }

        /// <summary>A lane with work joins the ready queue.</summary>
        private void MakeReadyLocked(Lane lane)
        {
            Debug.Assert(lane.State != LaneState.Ready, "a lane is in at most one ready-queue slot");
            lane.State = LaneState.Ready;
            _ready.Enqueue(new ReadyItem(lane));
            WakeOneLocked();
        }

        /// <summary>A request without a key is ready at once.</summary>
        private void MakeReadyLocked(QueuedRequest request)
        {
            _ready.Enqueue(new ReadyItem(request));
            WakeOneLocked();
        }
    }
}
