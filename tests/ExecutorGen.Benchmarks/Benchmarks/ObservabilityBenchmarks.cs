using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using ExecutorGen.Benchmarks.Peers;
using ExecutorGen.Benchmarks.Workload;

namespace ExecutorGen.Benchmarks.Benchmarks;

/// <summary>Which listeners W4 attaches.</summary>
public enum Listeners
{
    /// <summary>None: the baseline.</summary>
    None,

    /// <summary>A <see cref="MeterListener"/> recording every instrument of the <c>ExecutorGen</c> meter.</summary>
    Metrics,

    /// <summary>An <see cref="ActivityListener"/> sampling every <c>ExecutorGen</c> activity with <see cref="ActivitySamplingResult.AllData"/>.</summary>
    Tracing,

    /// <summary>Both: what an application exporting metrics and traces has.</summary>
    Both,
}

/// <summary>
/// W4 observability cost: W1 on the generated executor, without listeners, with a <see cref="MeterListener"/>
/// recording every instrument of the <c>ExecutorGen</c> meter, with an <see cref="ActivityListener"/> sampling
/// every activity of the <c>ExecutorGen</c> source with <see cref="ActivitySamplingResult.AllData"/>, and with both.
/// </summary>
public class ObservabilityBenchmarks
{
    private const string Name = "ExecutorGen";

    private Work _work = null!;
    private BenchRequest[] _requests = null!;
    private IBenchExecutor _executor = null!;
    private MeterListener? _meterListener;
    private ActivityListener? _activityListener;
    private long _measurements;
    private long _activities;

    /// <summary>The generated executor's ordering mode.</summary>
    [Params(PeerKind.PerKey, PeerKind.PerPartition, PeerKind.Unordered)]
    public PeerKind Peer { get; set; }

    /// <summary>The listeners attached.</summary>
    [ParamsAllValues]
    public Listeners Listeners { get; set; }

    /// <summary>Workers: the machine's core count in the published run.</summary>
    [Params(2)]
    public int Workers { get; set; }

    private bool Metered => Listeners is Listeners.Metrics or Listeners.Both;

    private bool Traced => Listeners is Listeners.Tracing or Listeners.Both;

    /// <summary>Attaches the <see cref="Listeners"/>, then builds the requests and starts the executor.</summary>
    [GlobalSetup]
    public void Setup()
    {
        if (Metered)
        {
            _meterListener = new MeterListener
            {
                InstrumentPublished = (instrument, listener) =>
                {
                    if (instrument.Meter.Name == Name)
                        listener.EnableMeasurementEvents(instrument);
                },
            };
            _meterListener.SetMeasurementEventCallback<long>((_, _, _, _) => Interlocked.Increment(ref _measurements));
            _meterListener.SetMeasurementEventCallback<int>((_, _, _, _) => Interlocked.Increment(ref _measurements));
            _meterListener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _measurements));
            _meterListener.Start();
        }
        if (Traced)
        {
            _activityListener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == Name,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
                ActivityStopped = _ => Interlocked.Increment(ref _activities),
            };
            ActivitySource.AddActivityListener(_activityListener);
        }
        _work = new Work();
        _requests = RequestSet.Create(OverheadBenchmarks.Requests, OverheadBenchmarks.Keys);
        _executor = PeerFactory.Create(Peer, HandlerShape.Compute, _work, Workers, PeerFactory.DefaultCapacity(Workers));
    }

    /// <summary>W1's invocation.</summary>
    [Benchmark(OperationsPerInvoke = OverheadBenchmarks.Requests)]
    public Task Run() => Driver.RunAsync(_executor, _work, _requests);

    /// <summary>Stops the executor and the listeners; a listener that saw nothing is an error (the run measured nothing).</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _executor.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _meterListener?.Dispose();
        _activityListener?.Dispose();
        if (Metered && Interlocked.Read(ref _measurements) == 0)
            throw new InvalidOperationException("The meter listener was attached but recorded nothing.");
        if (Traced && Interlocked.Read(ref _activities) == 0)
            throw new InvalidOperationException("The activity listener was attached but saw no activity.");
    }
}
