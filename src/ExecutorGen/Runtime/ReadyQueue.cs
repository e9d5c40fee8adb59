using System.Collections.Generic;

namespace ExecutorGen.Runtime;

public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher>
{
    /// <summary>
    /// The work a set of workers may start next, first in, first out. The shared queue (PerKey, Unordered)
    /// holds lanes with work and unordered requests: ready keys take turns, one request each, so a hot key
    /// cannot crowd out the others. A worker's own queue under PerPartition holds requests, in arrival order:
    /// the worker runs its partition's requests in that order, exactly the seed's per-worker FIFO, hot-partition
    /// trade-off included. Guarded by its scheduler's lock.
    /// </summary>
    internal sealed class ReadyQueue
    {
        private readonly Queue<ReadyItem> _items = new();

        /// <summary>Entries, stale ones included (see <see cref="ReadyItem.Ticket"/>).</summary>
        public int Count => _items.Count;

        public void Enqueue(ReadyItem item) => _items.Enqueue(item);

        /// <summary>
        /// Puts an entry before all others. Only a worker restarting after a fault in the engine puts its request
        /// back this way, so the copy it takes is rare.
        /// </summary>
        public void EnqueueFirst(ReadyItem item)
        {
            var rest = _items.ToArray();
            _items.Clear();
            _items.Enqueue(item);
            foreach (var entry in rest)
                _items.Enqueue(entry);
        }

        public ReadyItem Dequeue() => _items.Dequeue();

        /// <summary>The first entry, left in place (a batch looks at what follows its first request).</summary>
        public bool TryPeek(out ReadyItem item) => _items.TryPeek(out item);
    }
}
