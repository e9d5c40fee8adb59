namespace ExecutorGen.Runtime;

/// <summary>Whether a lane is waiting in a ready queue, running one of its requests, or neither.</summary>
internal enum LaneState
{
    Idle,
    Ready,
    Running,
}

public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher>
{
    /// <summary>
    /// The queued requests of one partition key, in submission order. At most one of them runs at a time:
    /// a lane is in a ready queue or running, never both, which is what keeps per-key order whatever
    /// worker takes it (under PerPartition the lane's requests are in its worker's queue, and one worker
    /// runs them one after another). A lane exists only while it holds or runs requests (or is paused), so memory is
    /// bounded by the requests held, not by the number of keys ever seen. Guarded by its scheduler's lock.
    /// </summary>
    internal sealed class Lane
    {
        public TKey Key = default!;
        public bool IsNullKey;
        public QueuedRequest? Head, Tail;
        public int Count;
        public LaneState State;

        /// <summary>Held after a dead letter under <see cref="DeadLetterPolicy.PauseKey"/>, until resumed.</summary>
        public bool Paused;

        /// <summary>While paused, the last dead letter replayed at its head: the next replay is queued after it.</summary>
        public QueuedRequest? LastReplayed;

        public void Append(QueuedRequest request)
        {
            request.Lane = this;
            request.NextInLane = null;
            if (Tail is null)
                Head = request;
            else
                Tail.NextInLane = request;
            Tail = request;
            Count++;
        }

        public QueuedRequest TakeHead()
        {
            var head = Head!;
            Head = head.NextInLane;
            if (Head is null)
                Tail = null;
            head.NextInLane = null;
            Count--;
            return head;
        }

        public void Clear()
        {
            Key = default!;
            IsNullKey = false;
            Head = Tail = null;
            Count = 0;
            State = LaneState.Idle;
            Paused = false;
            LastReplayed = null;
        }
    }

    /// <summary>
    /// An entry of a ready queue: a lane with work or an unordered request (shared queue), or a request
    /// (a worker's own queue under PerPartition).
    /// </summary>
    internal readonly struct ReadyItem
    {
        public ReadyItem(Lane lane)
        {
            Lane = lane;
            Request = null;
            Ticket = 0;
        }

        public ReadyItem(QueuedRequest request, long ticket = 0)
        {
            Lane = null;
            Request = request;
            Ticket = ticket;
        }

        public Lane? Lane { get; }

        public QueuedRequest? Request { get; }

        /// <summary>
        /// Under PerPartition: the request's <see cref="QueuedRequest.ReadyTicket"/> when queued.
        /// The entry is stale (skipped) once they differ: the request was removed, queued again, or re-used.
        /// </summary>
        public long Ticket { get; }
    }
}
