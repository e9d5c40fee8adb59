using ExecutorGen.Benchmarks.Workload;

namespace ExecutorGen.Benchmarks.Peers;

/// <summary>The CPU-bound handler as a user writes it: a synchronous method; the generator emits <c>ComputeHandlersExecutor</c>.</summary>
public sealed class ComputeHandlers(Work work)
{
    /// <summary>Runs <see cref="Work.Compute"/>.</summary>
    [RequestHandler(PartitionBy = nameof(BenchRequest.Key))]
    public void Handle(BenchRequest request) => work.Compute(request);
}

/// <summary>The I/O-bound handler: an async method awaiting <c>Task.Delay(1)</c>; the generator emits <c>DelayHandlersExecutor</c>.</summary>
public sealed class DelayHandlers(Work work)
{
    /// <summary>Runs <see cref="Work.DelayAsync"/>.</summary>
    [RequestHandler(PartitionBy = nameof(BenchRequest.Key))]
    public Task Handle(BenchRequest request) => work.DelayAsync(request);
}

/// <summary>The same CPU-bound work behind a <see cref="ValueTask"/> handler (the allocation check's second shape).</summary>
public sealed class ValueTaskHandlers(Work work)
{
    /// <summary>Runs <see cref="Work.Compute"/> and returns a completed <see cref="ValueTask"/>.</summary>
    [RequestHandler(PartitionBy = nameof(BenchRequest.Key))]
    public ValueTask Handle(BenchRequest request)
    {
        work.Compute(request);
        return default;
    }
}

/// <summary>The generated executor for <see cref="ComputeHandlers"/> behind <see cref="IBenchExecutor"/>.</summary>
public sealed class GeneratedComputeExecutor(Work work, ExecutorOptions options) : IBenchExecutor
{
    /// <summary>The generated executor itself.</summary>
    public ComputeHandlersExecutor Executor { get; } = new(new ComputeHandlers(work), options);

    /// <inheritdoc />
    public ValueTask SubmitAsync(BenchRequest request) => Executor.SubmitAsync(request);

    /// <inheritdoc />
    public long CompletedCount => Executor.GetMetrics().Completed;

    /// <inheritdoc />
    public long FailedCount => Executor.GetMetrics().Failed;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Executor.DisposeAsync();
}

/// <summary>The generated executor for <see cref="DelayHandlers"/> behind <see cref="IBenchExecutor"/>.</summary>
public sealed class GeneratedDelayExecutor(Work work, ExecutorOptions options) : IBenchExecutor
{
    private readonly DelayHandlersExecutor _executor = new(new DelayHandlers(work), options);

    /// <inheritdoc />
    public ValueTask SubmitAsync(BenchRequest request) => _executor.SubmitAsync(request);

    /// <inheritdoc />
    public long CompletedCount => _executor.GetMetrics().Completed;

    /// <inheritdoc />
    public long FailedCount => _executor.GetMetrics().Failed;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _executor.DisposeAsync();
}
