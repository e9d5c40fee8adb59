using BenchmarkDotNet.Attributes;
using ExecutorGen.Benchmarks.Peers;
using ExecutorGen.Benchmarks.Workload;

namespace ExecutorGen.Benchmarks.Benchmarks;

/// <summary>
/// W1 overhead: 1,000,000 requests over 10,000 keys with a handler of a few arithmetic operations, from one
/// producer, on 2 and 8 workers. One operation is one request, so BenchmarkDotNet's time and allocation
/// per operation are per request; the executor is created once and reused, so the figures are steady state.
/// </summary>
public class OverheadBenchmarks
{
    /// <summary>Requests per invocation.</summary>
    public const int Requests = 1_000_000;

    /// <summary>Distinct keys.</summary>
    public const int Keys = 10_000;

    private Work _work = null!;
    private BenchRequest[] _requests = null!;
    private IBenchExecutor _executor = null!;

    /// <summary>The executor under test.</summary>
    [ParamsAllValues]
    public PeerKind Peer { get; set; }

    /// <summary>Workers (and partitions).</summary>
    [Params(2, 8)]
    public int Workers { get; set; }

    /// <summary>Builds the requests and starts the executor.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _work = new Work();
        _requests = RequestSet.Create(Requests, Keys);
        _executor = PeerFactory.Create(Peer, HandlerShape.Compute, _work, Workers, PeerFactory.DefaultCapacity(Workers));
    }

    /// <summary>Submits every request and waits for the last to finish.</summary>
    [Benchmark(OperationsPerInvoke = Requests)]
    public Task Run() => Driver.RunAsync(_executor, _work, _requests);

    /// <summary>Stops the executor.</summary>
    [GlobalCleanup]
    public void Cleanup() => _executor.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
