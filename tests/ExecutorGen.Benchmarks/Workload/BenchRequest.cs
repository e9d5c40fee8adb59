namespace ExecutorGen.Benchmarks.Workload;

/// <summary>
/// The request every executor under test carries: a class (a reference per queued item, the common case),
/// created before measuring so that allocation figures are the executors' own.
/// </summary>
public sealed class BenchRequest
{
    /// <summary>Creates a request for <paramref name="key"/>, the <paramref name="sequence"/>-th of its key.</summary>
    public BenchRequest(int key, int sequence, long spinTicks = 0)
    {
        Key = key;
        Sequence = sequence;
        SpinTicks = spinTicks;
    }

    /// <summary>The partition key (a user id, say).</summary>
    public int Key { get; }

    /// <summary>0, 1, 2 … within the key, in submission order: the order check compares against it.</summary>
    public int Sequence { get; }

    /// <summary><see cref="System.Diagnostics.Stopwatch"/> ticks of busy work before the arithmetic (W3's hot key); 0 = none.</summary>
    public long SpinTicks { get; }

    /// <summary>The handler's arithmetic result, written so the work cannot be optimised away.</summary>
    public long Result { get; set; }

    /// <summary>Stopwatch timestamp taken just before the request is submitted (latency runs only).</summary>
    public long SubmittedAt { get; set; }

    /// <summary>Stopwatch timestamp taken when the handler finished (latency runs only).</summary>
    public long CompletedAt { get; set; }
}
