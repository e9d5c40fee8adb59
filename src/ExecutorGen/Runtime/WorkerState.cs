using System;
using System.Threading;

namespace ExecutorGen.Runtime;

/// <summary>One worker's live figures; written by its worker only, read by metric snapshots.</summary>
internal sealed class WorkerState
{
    private long _processed;
    private long _failed;
    private int _busy;
    private long _lastActivityUtcTicks;

    public WorkerState(int id) => Id = id;

    public int Id { get; }

    public void Started()
    {
        Volatile.Write(ref _busy, 1);
        Touch();
    }

    public void Finished()
    {
        Interlocked.Increment(ref _processed);
        Volatile.Write(ref _busy, 0);
        Touch();
    }

    public void AttemptFailed() => Interlocked.Increment(ref _failed);

    public WorkerMetrics Snapshot()
    {
        long last = Volatile.Read(ref _lastActivityUtcTicks);
        return new WorkerMetrics(
            Id,
            Volatile.Read(ref _processed),
            Volatile.Read(ref _failed),
            Volatile.Read(ref _busy) == 1,
            last == 0 ? null : new DateTimeOffset(last, TimeSpan.Zero));
    }

    private void Touch() => Volatile.Write(ref _lastActivityUtcTicks, DateTime.UtcNow.Ticks);
}
