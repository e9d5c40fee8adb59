using ExecutorGen.Benchmarks.Workload;

namespace ExecutorGen.Benchmarks.Peers;

/// <summary>W5's single-request handler: W1's work after the call's cost (<see cref="Work.PerCallTicks"/>).</summary>
public sealed class CallHandlers(Work work)
{
    /// <summary>Runs <see cref="Work.Call(BenchRequest)"/>.</summary>
    [RequestHandler(PartitionBy = nameof(BenchRequest.Key))]
    public void Handle(BenchRequest request) => work.Call(request);
}

/// <summary>W5's handler as a batch handler of at most 1 request per call (the batch machinery alone).</summary>
public sealed class BatchOf1Handlers(Work work)
{
    /// <summary>Runs <see cref="Work.Call(IReadOnlyList{BenchRequest})"/>.</summary>
    [RequestHandler(PartitionBy = nameof(BenchRequest.Key), MaxBatchSize = 1)]
    public void Handle(IReadOnlyList<BenchRequest> requests) => work.Call(requests);
}

/// <summary>W5's handler as a batch handler of at most 16 requests per call.</summary>
public sealed class BatchOf16Handlers(Work work)
{
    /// <summary>Runs <see cref="Work.Call(IReadOnlyList{BenchRequest})"/>.</summary>
    [RequestHandler(PartitionBy = nameof(BenchRequest.Key), MaxBatchSize = 16)]
    public void Handle(IReadOnlyList<BenchRequest> requests) => work.Call(requests);
}

/// <summary>W5's handler as a batch handler of at most 128 requests per call.</summary>
public sealed class BatchOf128Handlers(Work work)
{
    /// <summary>Runs <see cref="Work.Call(IReadOnlyList{BenchRequest})"/>.</summary>
    [RequestHandler(PartitionBy = nameof(BenchRequest.Key), MaxBatchSize = 128)]
    public void Handle(IReadOnlyList<BenchRequest> requests) => work.Call(requests);
}

/// <summary>A generated executor of W5's handlers behind <see cref="IBenchExecutor"/>, with its mean batch size.</summary>
public sealed class GeneratedBatchExecutor : IBenchExecutor
{
    private readonly Func<BenchRequest, ValueTask> _submit;
    private readonly Func<ExecutorMetrics> _metrics;
    private readonly Func<ValueTask> _dispose;

    /// <summary>
    /// The executor of the batch handler of at most <paramref name="maxBatchSize"/> (1, 16 or 128) requests per call, or
    /// with 0 of <see cref="CallHandlers"/>, the single-request handler.
    /// </summary>
    public GeneratedBatchExecutor(int maxBatchSize, Work work, ExecutorOptions options)
    {
        switch (maxBatchSize)
        {
            case 0:
                var single = new CallHandlersExecutor(new CallHandlers(work), options);
                (_submit, _metrics, _dispose) = (request => single.SubmitAsync(request), single.GetMetrics, single.DisposeAsync);
                break;
            case 1:
                var of1 = new BatchOf1HandlersExecutor(new BatchOf1Handlers(work), options);
                (_submit, _metrics, _dispose) = (request => of1.SubmitAsync(request), of1.GetMetrics, of1.DisposeAsync);
                break;
            case 16:
                var of16 = new BatchOf16HandlersExecutor(new BatchOf16Handlers(work), options);
                (_submit, _metrics, _dispose) = (request => of16.SubmitAsync(request), of16.GetMetrics, of16.DisposeAsync);
                break;
            case 128:
                var of128 = new BatchOf128HandlersExecutor(new BatchOf128Handlers(work), options);
                (_submit, _metrics, _dispose) = (request => of128.SubmitAsync(request), of128.GetMetrics, of128.DisposeAsync);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(maxBatchSize), maxBatchSize, "0, 1, 16 or 128.");
        }
    }

    /// <summary>Requests per call of the handler so far.</summary>
    public double MeanBatchSize
    {
        get
        {
            var metrics = _metrics();
            return metrics.Batches == 0 ? 0 : metrics.BatchedRequests / (double)metrics.Batches;
        }
    }

    /// <inheritdoc />
    public ValueTask SubmitAsync(BenchRequest request) => _submit(request);

    /// <inheritdoc />
    public long CompletedCount => _metrics().Completed;

    /// <inheritdoc />
    public long FailedCount => _metrics().Failed;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _dispose();
}
