namespace ExecutorGen.Benchmarks.Peers;

/// <summary>The executors compared.</summary>
public enum PeerKind
{
    /// <summary>Generated executor, <see cref="Ordering.PerKey"/>.</summary>
    PerKey,

    /// <summary>Generated executor, <see cref="Ordering.PerPartition"/>.</summary>
    PerPartition,

    /// <summary>Generated executor, <see cref="Ordering.Unordered"/> (no per-key order: not a like-for-like peer).</summary>
    Unordered,

    /// <summary>Hand-written: one bounded single-reader channel per worker, hash routing (<see cref="ChannelsExecutor{THandler}"/>).</summary>
    Channels,

    /// <summary>TPL Dataflow: one bounded <c>ActionBlock</c> per partition (<see cref="DataflowExecutor{THandler}"/>).</summary>
    Dataflow,

    /// <summary>Akka.NET <c>ConsistentHashingPool</c> (<see cref="AkkaExecutor{THandler}"/>).</summary>
    Akka,

    /// <summary>The seed's design ported: a thread and a <c>BlockingCollection</c> per worker, metrics under a lock (<see cref="SeedPortExecutor{THandler}"/>).</summary>
    Seed,
}
