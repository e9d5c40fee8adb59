namespace ExecutorGen.Benchmarks.Peers;

/// <summary>Hash routing for the hand-written peers: a multiplicative mix, then an unsigned remainder (never negative).</summary>
public static class Routing
{
    /// <summary>The partition of <paramref name="key"/>, in [0, <paramref name="partitions"/>).</summary>
    public static int Partition(int key, int partitions) =>
        (int)(((uint)key * 0x9E3779B1u ^ (uint)key >> 15) % (uint)partitions);
}
