using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using ExecutorGen.Benchmarks.Peers;
using ExecutorGen.Benchmarks.Workload;

namespace ExecutorGen.Benchmarks.Benchmarks;

/// <summary>The handler W5 runs: one request per call, or a batch handler of at most 1, 16 or 128 requests per call.</summary>
public enum BatchHandler
{
    /// <summary><see cref="CallHandlers"/>: one request per call (the baseline).</summary>
    Single = 0,

    /// <summary><see cref="BatchOf1Handlers"/>.</summary>
    Batch1 = 1,

    /// <summary><see cref="BatchOf16Handlers"/>.</summary>
    Batch16 = 16,

    /// <summary><see cref="BatchOf128Handlers"/>.</summary>
    Batch128 = 128,
}

/// <summary>
/// W5 batch handlers: a keyed stream from one producer (PerKey, 2 workers, default capacity) through a batch handler of at
/// most 1, 16 or 128 requests per call against the same work one request per call, over 10,000 and over 100 keys. A batch
/// is what is queued for its key when the handler is free, so it grows with a key's backlog: small with 10,000 keys (the
/// whole queue holds 0.2 requests per key), larger with 100. The mean batch size of each case is printed at its end.
/// </summary>
public abstract class BatchBenchmarks
{
    private const int Workers = 2;

    private Work _work = null!;
    private BenchRequest[] _requests = null!;
    private GeneratedBatchExecutor _executor = null!;

    /// <summary>The handler.</summary>
    [ParamsAllValues]
    public BatchHandler Handler { get; set; }

    /// <summary>Distinct keys.</summary>
    [Params(10_000, 100)]
    public int Keys { get; set; }

    /// <summary>Requests per invocation.</summary>
    protected abstract int Requests { get; }

    /// <summary>The cost of one handler call, whatever it carries.</summary>
    protected abstract TimeSpan PerCall { get; }

    /// <summary>Builds the requests and starts the executor.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _work = new Work { PerCallTicks = (long)(PerCall.TotalSeconds * Stopwatch.Frequency) };
        _requests = RequestSet.Create(Requests, Keys);
        var options = PeerFactory.GeneratedOptions(PeerKind.PerKey, Workers, PeerFactory.DefaultCapacity(Workers));
        _executor = new GeneratedBatchExecutor((int)Handler, _work, options);
    }

    /// <summary>Submits every request and waits for the last to finish.</summary>
    protected Task RunAll() => Driver.RunAsync(_executor, _work, _requests);

    /// <summary>Prints the mean batch size and stops the executor.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// W5 ({PerCall.TotalMicroseconds} µs per call) {Handler} over {Keys} keys: mean batch size {_executor.MeanBatchSize:F2}");
        _executor.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

/// <summary>W5 on W1's work (a few arithmetic operations, nothing per call): what the batch machinery itself costs or saves.</summary>
public class BatchOverheadBenchmarks : BatchBenchmarks
{
    /// <inheritdoc />
    protected override int Requests => OverheadBenchmarks.Requests;

    /// <inheritdoc />
    protected override TimeSpan PerCall => TimeSpan.Zero;

    /// <summary>Submits every request and waits for the last to finish.</summary>
    [Benchmark(OperationsPerInvoke = OverheadBenchmarks.Requests)]
    public Task Run() => RunAll();
}

/// <summary>W5 with 20 µs of busy work per handler call (a round trip that a batch makes once for all its requests).</summary>
public class BatchRoundTripBenchmarks : BatchBenchmarks
{
    private const int RequestCount = 100_000;

    /// <inheritdoc />
    protected override int Requests => RequestCount;

    /// <inheritdoc />
    protected override TimeSpan PerCall => TimeSpan.FromMicroseconds(20);

    /// <summary>Submits every request and waits for the last to finish.</summary>
    [Benchmark(OperationsPerInvoke = RequestCount)]
    public Task Run() => RunAll();
}
