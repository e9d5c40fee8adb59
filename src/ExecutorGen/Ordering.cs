namespace ExecutorGen;

/// <summary>How requests with partition keys are scheduled onto workers.</summary>
public enum Ordering
{
    /// <summary>
    /// A key's requests run one at a time, in submission order, on whichever worker is free: a hot key
    /// holds at most one worker and never delays other keys.
    /// </summary>
    PerKey,

    /// <summary>
    /// Each key is pinned to one worker by a stable, process-independent hash (jump consistent hash), and
    /// each worker runs its keys' requests in arrival order: the classic design, where a hot key delays the
    /// other keys that share its worker.
    /// </summary>
    PerPartition,

    /// <summary>Partition keys are ignored: any worker, any order.</summary>
    Unordered,
}
