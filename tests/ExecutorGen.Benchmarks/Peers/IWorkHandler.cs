using ExecutorGen.Benchmarks.Workload;

namespace ExecutorGen.Benchmarks.Peers;

/// <summary>
/// The handler as the hand-written peers call it: a struct type argument, so the call is devirtualised
/// (as the generated executor's dispatcher is).
/// </summary>
public interface IWorkHandler
{
    /// <summary>True when <see cref="HandleAsync"/> always completes synchronously.</summary>
    bool IsSynchronous { get; }

    /// <summary>Runs the handler for <paramref name="request"/>.</summary>
    ValueTask HandleAsync(BenchRequest request);
}

/// <summary>The CPU-bound handler: <see cref="Work.Compute"/>.</summary>
public readonly struct ComputeHandler(Work work) : IWorkHandler
{
    /// <inheritdoc />
    public bool IsSynchronous => true;

    /// <inheritdoc />
    public ValueTask HandleAsync(BenchRequest request)
    {
        work.Compute(request);
        return default;
    }
}

/// <summary>The I/O-bound handler: <see cref="Work.DelayAsync"/>.</summary>
public readonly struct DelayHandler(Work work) : IWorkHandler
{
    /// <inheritdoc />
    public bool IsSynchronous => false;

    /// <inheritdoc />
    public ValueTask HandleAsync(BenchRequest request) => new(work.DelayAsync(request));
}
