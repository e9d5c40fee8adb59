using ExecutorGen.Benchmarks.Workload;

namespace ExecutorGen.Benchmarks.Peers;

/// <summary>
/// What the workloads drive: an executor that accepts a request, waiting while it is full. Every peer
/// keeps the same contract: bounded capacity with waiting producers, per-key order (except
/// <see cref="PeerKind.Unordered"/>), the same handler work and the same worker count.
/// </summary>
public interface IBenchExecutor : IAsyncDisposable
{
    /// <summary>Queues <paramref name="request"/>; completes when it was accepted (at once unless the executor is full).</summary>
    ValueTask SubmitAsync(BenchRequest request);

    /// <summary>Requests the executor itself counted as handled successfully (its own metrics).</summary>
    long CompletedCount { get; }

    /// <summary>Handler failures the executor itself counted.</summary>
    long FailedCount { get; }
}
