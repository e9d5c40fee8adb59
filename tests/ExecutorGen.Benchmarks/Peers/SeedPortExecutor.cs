using System.Collections.Concurrent;
using ExecutorGen.Benchmarks.Workload;

namespace ExecutorGen.Benchmarks.Peers;

/// <summary>
/// A direct port of the seed's <c>PartitionedExecutor</c> with the <c>RequestExecutor</c>'s metrics
/// (seed sections 2–4 and 7): one thread and one bounded <see cref="BlockingCollection{T}"/> per worker,
/// <c>hash(key) % n</c> routing, a producer that blocks while its queue is full, a worker loop that polls
/// with a 0.5 s timeout to see the shutdown flag, and processed/failed/per-worker counts under one lock.
/// An asynchronous handler is waited for on the worker thread, as the seed's workers sleep.
/// </summary>
public sealed class SeedPortExecutor<THandler> : IBenchExecutor
    where THandler : struct, IWorkHandler
{
    private readonly BlockingCollection<BenchRequest>[] _queues;
    private readonly Thread[] _workers;
    private readonly THandler _handler;
    private readonly object _metricsLock = new();
    private readonly long[] _workerStats;
    private long _totalProcessed;
    private long _totalFailed;
    private volatile bool _shutdown;

    /// <summary>Starts <paramref name="workerCount"/> threads, each with a queue of <paramref name="capacity"/> ÷ workers.</summary>
    public SeedPortExecutor(int workerCount, int capacity, THandler handler)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workerCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, workerCount);
        _handler = handler;
        _queues = new BlockingCollection<BenchRequest>[workerCount];
        _workers = new Thread[workerCount];
        _workerStats = new long[workerCount];
        for (int i = 0; i < workerCount; i++)
        {
            _queues[i] = new BlockingCollection<BenchRequest>(new ConcurrentQueue<BenchRequest>(), capacity / workerCount);
            int workerId = i;
            _workers[i] = new Thread(() => WorkerLoop(workerId)) { Name = $"Worker-{i}", IsBackground = true };
            _workers[i].Start();
        }
    }

    /// <summary>The seed's <c>get_metrics</c>: processed and failed totals, read under the lock.</summary>
    public (long Processed, long Failed) Metrics
    {
        get
        {
            lock (_metricsLock)
                return (_totalProcessed, _totalFailed);
        }
    }

    /// <inheritdoc />
    public long CompletedCount => Metrics.Processed;

    /// <inheritdoc />
    public long FailedCount => Metrics.Failed;

    /// <inheritdoc />
    public ValueTask SubmitAsync(BenchRequest request)
    {
        ObjectDisposedException.ThrowIf(_shutdown, this);
        // The seed's submit: hash(key) % n (kept non-negative), then a blocking put.
        _queues[(request.Key.GetHashCode() & int.MaxValue) % _queues.Length].Add(request);
        return default;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _shutdown = true;
        foreach (var worker in _workers)
            worker.Join();
        foreach (var queue in _queues)
            queue.Dispose();
        return default;
    }

    private void WorkerLoop(int workerId)
    {
        var queue = _queues[workerId];
        while (!_shutdown)
        {
            if (!queue.TryTake(out var request, TimeSpan.FromSeconds(0.5)))
                continue;
            try
            {
                var pending = _handler.HandleAsync(request);
                if (!pending.IsCompletedSuccessfully)
                    pending.AsTask().GetAwaiter().GetResult();
                lock (_metricsLock)
                {
                    _totalProcessed++;
                    _workerStats[workerId]++;
                }
            }
            catch (Exception)
            {
                lock (_metricsLock)
                    _totalFailed++;
            }
        }
    }
}
