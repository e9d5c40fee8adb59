using System.Diagnostics;

namespace ExecutorGen.Runtime;

public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher>
{
    /// <summary>
    /// A PerPartition worker's scheduling when keys need lanes (a per-key limit, or PauseKey, needs a key's backlog):
    /// its ready queue holds requests in arrival order, which its one worker runs one after another; the lanes only
    /// count and hold each key's requests.
    /// </summary>
    /// <remarks>
    /// Invariant: a queued request of an unpaused key has exactly one live entry in the ready queue (its ticket is
    /// current), and only the partition's worker takes from it, one request at a time, so a key's entries come out
    /// in lane order. A shed request, a paused key's held requests or a request put back after an engine fault
    /// leave stale entries behind instead of being searched for.
    /// </remarks>
    private sealed partial class PartitionLaneScheduler : LaneScheduler
    {
        public PartitionLaneScheduler(ExecutorEngine<TKey, TEnvelope, TDispatcher> engine, int index, Room room, int fillMark, SyncObject sync, IdleWorkers idle)
            : base(engine, index, room, fillMark, sync, idle)
        {
        }

        protected override void OnQueuedLocked(QueuedRequest request)
        {
            if (request.Lane is not { Paused: true })
                AddReadyLocked(request);
        }

        // Its requests are in the ready queue already.
        protected override void OnLaneContinuesLocked(Lane lane)
        {
        }

        protected override void OnRequeuedLocked(QueuedRequest request) => AddReadyLocked(request, first: true);

        /// <summary>A resumed key's queued requests join the end of the ready queue, in order.</summary>
        protected override void OnResumedLocked(Lane lane)
        {
            for (var request = lane.Head; request is not null; request = request.NextInLane)
                AddReadyLocked(request);
        }

        /// <summary>Its ready-queue entry goes stale: freed at once.</summary>
        protected override void ForgetUnlanedLocked(QueuedRequest request)
        {
            request.ReadyTicket++;
            RecycleLocked(request);
        }

        /// <summary>The next live entry.</summary>
        protected override bool TryDequeueLocked(out QueuedRequest request)
        {
            while (_ready.Count > 0)
            {
                var item = _ready.Dequeue();
                request = item.Request!;
                if (item.Ticket != request.ReadyTicket)
                    continue; // removed, queued again, or re-used since this entry was made
                Debug.Assert(request.State == RequestState.Queued, "a live entry is a queued request's");
                if (request.Lane is { } lane)
                {
                    if (lane.Paused)
                        continue; // it stays in its lane; ResumeKey queues the lane's requests again
                    Debug.Assert(lane.Head == request, "a key's entries come out in lane order");
                    lane.TakeHead();
                    lane.State = LaneState.Running;
                }
                return true;
            }
            request = null!;
            return false;
        }

        /// <summary>
        /// A request joins the end of the ready queue, or its front when a faulted worker puts it back (any older
        /// entry of it goes stale).
        /// </summary>
        private void AddReadyLocked(QueuedRequest request, bool first = false)
        {
            var item = new ReadyItem(request, ++request.ReadyTicket);
            if (first)
                _ready.EnqueueFirst(item);
            else
                _ready.Enqueue(item);
            WakeOneLocked();
        }
    }
}
