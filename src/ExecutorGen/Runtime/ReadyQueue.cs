using System.Collections.Generic;

namespace ExecutorGen.Runtime;

/// <summary>
/// The work a set of workers may start next: lanes with queued requests, and unordered requests.
/// Shared queues (PerKey, Unordered) are plain FIFO, so ready keys take turns, one request each, and a
/// hot key cannot crowd out the others. A worker's own queue under PerPartition is ordered by the
/// arrival of each item's oldest request: the worker runs its partition's requests in arrival order,
/// exactly the seed's per-worker FIFO, hot-partition trade-off included. Guarded by the engine's lock.
/// </summary>
internal sealed class ReadyQueue<TKey, TEnvelope>
{
    private readonly Queue<ReadyItem<TKey, TEnvelope>>? _fifo;
    private readonly PriorityQueue<ReadyItem<TKey, TEnvelope>, long>? _byArrival;

    public ReadyQueue(bool byArrival)
    {
        if (byArrival)
            _byArrival = new PriorityQueue<ReadyItem<TKey, TEnvelope>, long>();
        else
            _fifo = new Queue<ReadyItem<TKey, TEnvelope>>();
    }

    public int Count => _fifo?.Count ?? _byArrival!.Count;

    /// <param name="item">The lane or request.</param>
    /// <param name="arrival">The arrival sequence of its oldest queued request.</param>
    public void Enqueue(ReadyItem<TKey, TEnvelope> item, long arrival)
    {
        if (_fifo is not null)
            _fifo.Enqueue(item);
        else
            _byArrival!.Enqueue(item, arrival);
    }

    public ReadyItem<TKey, TEnvelope> Dequeue() => _fifo is not null ? _fifo.Dequeue() : _byArrival!.Dequeue();
}
