using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace ExecutorGen.Runtime;

public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher>
{
    // The class has batch handlers (RequestHandlerAttribute.MaxBatchSize): a take looks for more of a batch.
    private readonly bool _batching;

    // Calls of batch handlers (one per batch, whatever its attempts) and the requests they carried.
    private long _batches;
    private long _batchedRequests;

    // The most requests a worker has taken at once (1 without batches): a faulted worker puts that many back, past the
    // capacity if need be. Kept for the invariants, in Debug builds only.
    private int _largestTake = 1;

    // A worker thread's envelopes of the batch it is handing to its handler: read by the dispatcher before the call
    // returns, so one buffer per thread serves every batch (taken out while in use, in case a handler re-enters).
    [ThreadStatic]
    private static TEnvelope[]? t_batchEnvelopes;

    /// <summary>
    /// Calls a batch's handler with the envelopes of its requests, in order. Their callers are completed by the engine
    /// (<see cref="CompleteBatch"/>), not by the dispatcher, which sees envelopes only.
    /// </summary>
    private ValueTask DispatchBatch(QueuedRequest first, CancellationToken cancellationToken)
    {
        var envelopes = t_batchEnvelopes;
        if (envelopes is null || envelopes.Length < first.BatchSize)
            envelopes = new TEnvelope[Math.Max(first.BatchSize, 2 * (envelopes?.Length ?? 8))];
        t_batchEnvelopes = null;
        int count = 0;
        for (var item = first; item is not null; item = item.NextInBatch)
            envelopes[count++] = item.Envelope;
        try
        {
            return _dispatcher.DispatchBatchAsync(new ReadOnlySpan<TEnvelope>(envelopes, 0, count), cancellationToken);
        }
        finally
        {
            Array.Clear(envelopes, 0, count); // the buffer must not keep the requests' arguments alive
            t_batchEnvelopes = envelopes;
        }
    }

    /// <summary>A batch's call succeeded: each of its <c>InvokeAsync</c> callers learns that its request ran.</summary>
    private static void CompleteBatch(QueuedRequest first)
    {
        for (var item = first; item is not null; item = item.NextInBatch)
            Runtime.Dispatch.Completed(item.Completion);
    }

    /// <summary>Counts a call of a batch handler (metrics and the batch-size histogram).</summary>
    private void CountBatch(QueuedRequest first, string handler)
    {
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _batchedRequests, first.BatchSize);
        if (_telemetry.BatchSize.Enabled)
            _telemetry.BatchSize.Record(first.BatchSize, Tags(handler));
    }

    /// <summary>
    /// The callers of a dead-lettered batch's other requests, read before the batch is released (which recycles them),
    /// to be told after it (<see cref="Finish"/>); <see langword="null"/> for a single request. Allocates on this failure
    /// path only.
    /// </summary>
    private static List<IRequestCompletion>? OtherCompletions(QueuedRequest first)
    {
        if (first.NextInBatch is null)
            return null;
        var completions = new List<IRequestCompletion>();
        for (var item = first.NextInBatch; item is not null; item = item.NextInBatch)
        {
            if (item.Completion is { } completion)
                completions.Add(completion);
        }
        return completions;
    }

    /// <summary>Whether <paramref name="candidate"/>, a request without a lane, may join <paramref name="first"/>'s batch: same handler, same key (or both none).</summary>
    private bool JoinsBatch(QueuedRequest first, QueuedRequest candidate) =>
        candidate.Lane is null
        && candidate.HasKey == first.HasKey
        && (!first.HasKey || EqualityComparer<TKey>.Default.Equals(first.Key, candidate.Key))
        && _dispatcher.IsSameHandler(first.Envelope, candidate.Envelope);

    private abstract partial class Scheduler
    {
        /// <summary>
        /// Makes <paramref name="first"/>, just taken, the first request of a batch when its handler is a batch handler:
        /// the requests that follow it for the same handler and key, queued now, are taken with it (up to the handler's
        /// <c>MaxBatchSize</c>, in submission order), marked running as of <paramref name="now"/>, and their places freed.
        /// Never waits for more. The first stands for the batch in the running count and in its lane's state.
        /// </summary>
        private void TakeBatchLocked(QueuedRequest first, long now)
        {
            int limit = Engine._dispatcher.GetMaxBatchSize(first.Envelope);
            first.IsBatch = limit > 0;
            var last = first;
            while (first.BatchSize < limit && TryTakeBatchItemLocked(first, out var item))
            {
                Room.Release();
                item.State = RequestState.Running;
                item.StartedAt = now;
                last.NextInBatch = item;
                last = item;
                first.BatchSize++;
            }
            NoteTake(first.BatchSize);
        }

        [Conditional("DEBUG")]
        private void NoteTake(int size)
        {
            for (int largest = Volatile.Read(ref Engine._largestTake); size > largest; largest = Volatile.Read(ref Engine._largestTake))
            {
                if (Interlocked.CompareExchange(ref Engine._largestTake, size, largest) == largest)
                    break;
            }
        }

        /// <summary>Takes the next queued request of <paramref name="first"/>'s batch out of the queue, if there is one.</summary>
        protected virtual bool TryTakeBatchItemLocked(QueuedRequest first, out QueuedRequest item)
        {
            item = null!;
            return false; // a partition's plain ring is never used with batch handlers (they need lanes)
        }

        /// <summary>The batch starting at <paramref name="first"/>, relinked last first (for putting it back at the head).</summary>
        protected static QueuedRequest LastFirst(QueuedRequest first)
        {
            QueuedRequest? reversed = null;
            for (var item = first; item is not null;)
            {
                var next = item.NextInBatch;
                item.NextInBatch = reversed;
                item.BatchSize = 1;
                item.IsBatch = false;
                reversed = item;
                item = next;
            }
            return reversed!;
        }
    }

    private abstract partial class LaneScheduler
    {
        /// <summary>
        /// The next request of a key's batch is its lane's head (the lane stays running for the whole batch); that of a
        /// request without a lane (no key, or Unordered) is the entry at the front of the ready queue, if it is one for
        /// the same handler and key.
        /// </summary>
        protected override bool TryTakeBatchItemLocked(QueuedRequest first, out QueuedRequest item)
        {
            if (first.Lane is { } lane)
            {
                item = lane.Head!;
                if (item is null || !Engine._dispatcher.IsSameHandler(first.Envelope, item.Envelope))
                    return false;
                lane.TakeHead();
                item.ReadyTicket++; // its entry in a partition's ready queue, if any, goes stale
            }
            else if (!TryTakeUnlanedBatchItemLocked(first, out item))
            {
                return false;
            }
            UnlinkQueuedLocked(item);
            return true;
        }

        /// <summary>Takes the request at the front of the ready queue if it joins <paramref name="first"/>'s batch (<see cref="JoinsBatch"/>).</summary>
        protected abstract bool TryTakeUnlanedBatchItemLocked(QueuedRequest first, out QueuedRequest item);

        /// <summary>A finished batch's other requests are pooled.</summary>
        private void ReleaseBatchLocked(QueuedRequest first)
        {
            for (var item = first.NextInBatch; item is not null;)
            {
                var next = item.NextInBatch;
                RecycleLocked(item);
                item = next;
            }
        }
    }

    private sealed partial class SharedLaneScheduler
    {
        protected override bool TryTakeUnlanedBatchItemLocked(QueuedRequest first, out QueuedRequest item)
        {
            while (_ready.TryPeek(out var entry) && entry.Request is { } request)
            {
                if (request.State == RequestState.Removed)
                {
                    _ready.Dequeue(); // shed while it waited: freed as its entry comes out
                    RecycleLocked(request);
                    continue;
                }
                if (!Engine.JoinsBatch(first, request))
                    break;
                _ready.Dequeue();
                item = request;
                return true;
            }
            item = null!;
            return false;
        }
    }

    private sealed partial class PartitionLaneScheduler
    {
        protected override bool TryTakeUnlanedBatchItemLocked(QueuedRequest first, out QueuedRequest item)
        {
            while (_ready.TryPeek(out var entry))
            {
                var request = entry.Request!;
                if (entry.Ticket != request.ReadyTicket)
                {
                    _ready.Dequeue(); // stale
                    continue;
                }
                if (!Engine.JoinsBatch(first, request))
                    break;
                _ready.Dequeue();
                request.ReadyTicket++;
                item = request;
                return true;
            }
            item = null!;
            return false;
        }
    }
}
