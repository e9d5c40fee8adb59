using System.Collections.Generic;
using System.Threading;

namespace ExecutorGen.Runtime;

/// <summary>
/// Workers waiting for work, most recent first (the warmest is woken first); a wake-up pops one and sets its signal
/// in one step, so a worker is woken at most once per registration. Owned by one scheduler and guarded by its lock,
/// or, under sharded PerKey, shared by every shard and guarded by <see cref="Sync"/>, which is taken after a shard's
/// lock and never before one.
/// </summary>
internal sealed class IdleWorkers
{
    private readonly List<WorkerState> _workers = new();
    private int _count;

    /// <param name="shared">Whether several schedulers share it (it then has a lock of its own).</param>
    public IdleWorkers(bool shared) => Sync = shared ? new SyncObject() : null;

    /// <summary>Its own lock when shared, else <see langword="null"/> (its scheduler's lock guards it).</summary>
    public SyncObject? Sync { get; }

    /// <summary>How many wait. Written under the guarding lock; a shard reads it under its own lock (see ExecutorEngine.Sharding).</summary>
    public int Count => Volatile.Read(ref _count);

    public void Push(WorkerState worker)
    {
        _workers.Add(worker);
        Volatile.Write(ref _count, _workers.Count);
    }

    /// <summary>Takes a worker out without waking it; <see langword="false"/> when it is not there (it has been woken).</summary>
    public bool TryRemove(WorkerState worker)
    {
        int index = _workers.LastIndexOf(worker);
        if (index < 0)
            return false;
        _workers.RemoveAt(index);
        Volatile.Write(ref _count, _workers.Count);
        return true;
    }

    public void WakeOne()
    {
        if (_workers.Count == 0)
            return;
        var worker = _workers[_workers.Count - 1];
        _workers.RemoveAt(_workers.Count - 1);
        Volatile.Write(ref _count, _workers.Count);
        worker.Signal.Set();
    }

    public void WakeAll()
    {
        while (_workers.Count > 0)
            WakeOne();
    }
}
