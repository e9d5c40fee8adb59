using ExecutorGen.Benchmarks.Workload;

namespace ExecutorGen.Benchmarks.Peers;

/// <summary>The handler shape a workload runs.</summary>
public enum HandlerShape
{
    /// <summary><see cref="Work.Compute"/>: synchronous, CPU-bound.</summary>
    Compute,

    /// <summary><see cref="Work.DelayAsync"/>: asynchronous, <c>await Task.Delay(1)</c>.</summary>
    Delay,
}

/// <summary>Creates each executor under test with the same worker count, capacity and handler work.</summary>
public static class PeerFactory
{
    /// <summary>The capacity every executor gets unless a workload says otherwise: the engine's default, 1,024 per worker.</summary>
    public static int DefaultCapacity(int workerCount) => 1024 * workerCount;

    /// <summary>Creates <paramref name="kind"/> with <paramref name="workerCount"/> workers and <paramref name="capacity"/> queued requests in all.</summary>
    public static IBenchExecutor Create(PeerKind kind, HandlerShape shape, Work work, int workerCount, int capacity) => shape switch
    {
        HandlerShape.Compute => Create(kind, work, workerCount, capacity, new ComputeHandler(work)),
        HandlerShape.Delay => Create(kind, work, workerCount, capacity, new DelayHandler(work)),
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, "Unknown handler shape."),
    };

    /// <summary>The options of the generated executor for <paramref name="kind"/> (a generated kind only).</summary>
    public static ExecutorOptions GeneratedOptions(PeerKind kind, int workerCount, int capacity) => new()
    {
        WorkerCount = workerCount,
        Capacity = capacity,
        FullMode = QueueFullMode.Wait,
        Ordering = kind switch
        {
            PeerKind.PerKey => Ordering.PerKey,
            PeerKind.PerPartition => Ordering.PerPartition,
            PeerKind.Unordered => Ordering.Unordered,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a generated executor."),
        },
    };

    private static IBenchExecutor Create<THandler>(PeerKind kind, Work work, int workerCount, int capacity, THandler handler)
        where THandler : struct, IWorkHandler => kind switch
    {
        PeerKind.PerKey or PeerKind.PerPartition or PeerKind.Unordered => handler.IsSynchronous
            ? new GeneratedComputeExecutor(work, GeneratedOptions(kind, workerCount, capacity))
            : new GeneratedDelayExecutor(work, GeneratedOptions(kind, workerCount, capacity)),
        PeerKind.Channels => new ChannelsExecutor<THandler>(workerCount, capacity, handler),
        PeerKind.Dataflow => new DataflowExecutor<THandler>(workerCount, capacity, handler),
        PeerKind.Akka => new AkkaExecutor<THandler>(workerCount, capacity, handler),
        PeerKind.Seed => new SeedPortExecutor<THandler>(workerCount, capacity, handler),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown executor."),
    };
}
