namespace ExecutorGen.Benchmarks.Workload;

/// <summary>Builds the request streams of the workloads: keys drawn from a seeded generator, sequences per key.</summary>
public static class RequestSet
{
    /// <summary><paramref name="count"/> requests over <paramref name="keyCount"/> keys (keys 0 …), in a fixed pseudo-random key order.</summary>
    public static BenchRequest[] Create(int count, int keyCount, int seed = 8)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keyCount);
        var random = new Random(seed);
        var next = new int[keyCount];
        var requests = new BenchRequest[count];
        for (int i = 0; i < count; i++)
        {
            int key = random.Next(keyCount);
            requests[i] = new BenchRequest(key, next[key]++);
        }
        return requests;
    }
}
