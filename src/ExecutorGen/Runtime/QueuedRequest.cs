using System;

namespace ExecutorGen.Runtime;

/// <summary>Where a queued request is in its life.</summary>
internal enum RequestState
{
    /// <summary>In the pool, holding nothing.</summary>
    Free,

    /// <summary>Accepted and waiting to start.</summary>
    Queued,

    /// <summary>Taken by a worker.</summary>
    Running,

    /// <summary>Shed or reported unprocessed while still referenced by a ready queue, which skips and frees it.</summary>
    Removed,
}

public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher>
{
    /// <summary>
    /// An accepted request, from admission until it finishes. Pooled by the engine, so a warmed executor
    /// allocates none per request. Every field is guarded by its scheduler's lock, except the request data a
    /// worker reads after taking it (then no other thread touches the object).
    /// </summary>
    internal sealed class QueuedRequest
    {
        public TEnvelope Envelope = default!;
        public TKey Key = default!;
        public bool HasKey;
        public IRequestCompletion? Completion;

        /// <summary>The submitter's activity, captured at submit while a trace listener was present.</summary>
        public System.Diagnostics.ActivityContext Parent;
        public long EnqueuedAt;

        /// <summary>Stopwatch timestamps of the start and end of its execution (all attempts).</summary>
        public long StartedAt, FinishedAt;

        /// <summary>
        /// Under PerPartition, moved on whenever the request joins its worker's queue or is taken out of play,
        /// so that older entries of it there are known to be stale. Kept across re-use: never reset.
        /// </summary>
        public long ReadyTicket;

        public RequestState State;

        /// <summary>The last attempt's exception, once the request is dead-lettered.</summary>
        public Exception? Failure;

        /// <summary>The key's lane; <see langword="null"/> for an unordered request.</summary>
        public Lane? Lane;

        /// <summary>The next request of the same lane (FIFO).</summary>
        public QueuedRequest? NextInLane;

        /// <summary>Neighbours in the engine's list of all queued requests, oldest first (for DropOldest and Cancel).</summary>
        public QueuedRequest? Older, Newer;

        /// <summary>
        /// Taken to run in one call of a batch handler: the requests of the batch after this one, each linked to the
        /// next, and on the first (which stands for the batch) their number, itself included.
        /// </summary>
        public QueuedRequest? NextInBatch;

        /// <inheritdoc cref="NextInBatch"/>
        public int BatchSize = 1;

        /// <summary>Taken for a batch handler (a call with a list, counted in <see cref="ExecutorMetrics.Batches"/>), even alone.</summary>
        public bool IsBatch;

        public void Clear()
        {
            Envelope = default!;
            Key = default!;
            HasKey = false;
            Completion = null;
            Parent = default;
            Failure = null;
            Lane = null;
            NextInLane = null;
            Older = Newer = null;
            NextInBatch = null;
            BatchSize = 1;
            IsBatch = false;
            State = RequestState.Free;
        }
    }
}
