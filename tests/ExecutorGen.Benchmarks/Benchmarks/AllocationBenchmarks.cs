using BenchmarkDotNet.Attributes;
using ExecutorGen.Benchmarks.Peers;
using ExecutorGen.Benchmarks.Workload;

namespace ExecutorGen.Benchmarks.Benchmarks;

/// <summary>
/// Steady-state bytes allocated per request by each generated API (class requests): <c>SubmitAsync</c> and
/// <c>TrySubmit</c> with a synchronous and a <see cref="ValueTask"/> handler, and <c>InvokeAsync</c>. A batch
/// of 10,000 requests per invocation (capacity above the batch, so <c>TrySubmit</c> never finds it full);
/// the few objects an invocation itself needs (its countdown) are below one byte per request.
/// </summary>
public class AllocationBenchmarks
{
    private const int Batch = 10_000;

    private readonly Work _work = new();
    private readonly Task[] _invocations = new Task[Batch];
    private BenchRequest[] _requests = null!;
    private ComputeHandlersExecutor _sync = null!;
    private ValueTaskHandlersExecutor _valueTask = null!;

    /// <summary>The generated executor's ordering mode.</summary>
    [Params(PeerKind.PerKey, PeerKind.PerPartition)]
    public PeerKind Peer { get; set; }

    /// <summary>Builds the requests and starts both executors.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _requests = RequestSet.Create(Batch, 100);
        var options = PeerFactory.GeneratedOptions(Peer, 2, 2 * Batch);
        _sync = new ComputeHandlersExecutor(new ComputeHandlers(_work), options);
        _valueTask = new ValueTaskHandlersExecutor(new ValueTaskHandlers(_work), options.Clone());
    }

    /// <summary><c>SubmitAsync</c>, synchronous handler.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task SubmitAsync_Sync()
    {
        _work.Countdown.Reset(_requests);
        foreach (var request in _requests)
            await _sync.SubmitAsync(request);
        await _work.Countdown.WhenDone;
    }

    /// <summary><c>TrySubmit</c>, synchronous handler.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public Task TrySubmit_Sync()
    {
        _work.Countdown.Reset(_requests);
        foreach (var request in _requests)
        {
            if (!_sync.TrySubmit(request))
                throw new InvalidOperationException("TrySubmit refused a request below capacity.");
        }
        return _work.Countdown.WhenDone;
    }

    /// <summary><c>InvokeAsync</c>, synchronous handler.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task InvokeAsync_Sync()
    {
        _work.Countdown.Reset(_requests);
        for (int i = 0; i < Batch; i++)
            _invocations[i] = _sync.InvokeAsync(_requests[i]);
        foreach (var invocation in _invocations)
            await invocation;
    }

    /// <summary><c>SubmitAsync</c>, <see cref="ValueTask"/> handler.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task SubmitAsync_ValueTask()
    {
        _work.Countdown.Reset(_requests);
        foreach (var request in _requests)
            await _valueTask.SubmitAsync(request);
        await _work.Countdown.WhenDone;
    }

    /// <summary><c>TrySubmit</c>, <see cref="ValueTask"/> handler.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public Task TrySubmit_ValueTask()
    {
        _work.Countdown.Reset(_requests);
        foreach (var request in _requests)
        {
            if (!_valueTask.TrySubmit(request))
                throw new InvalidOperationException("TrySubmit refused a request below capacity.");
        }
        return _work.Countdown.WhenDone;
    }

    /// <summary><c>InvokeAsync</c>, <see cref="ValueTask"/> handler.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public async Task InvokeAsync_ValueTask()
    {
        _work.Countdown.Reset(_requests);
        for (int i = 0; i < Batch; i++)
            _invocations[i] = _valueTask.InvokeAsync(_requests[i]);
        foreach (var invocation in _invocations)
            await invocation;
    }

    /// <summary>Stops both executors.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _sync.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _valueTask.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
