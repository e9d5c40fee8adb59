namespace ExecutorGen;

/// <summary>How requests with partition keys are scheduled onto workers.</summary>
public enum Ordering
{
    /// <summary>
    /// Requests of one key run one at a time, in submission order. This version schedules it exactly as
    /// <see cref="PerPartition"/> (same order guarantee); key-serial scheduling on any free worker follows.
    /// </summary>
    PerKey,

    /// <summary>Each key is mapped to a fixed worker by a stable, process-independent hash (jump consistent hash).</summary>
    PerPartition,

    /// <summary>Partition keys are ignored: any worker, any order.</summary>
    Unordered,
}
