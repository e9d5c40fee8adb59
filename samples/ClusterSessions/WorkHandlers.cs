using System.Diagnostics;
using ExecutorGen;
using Orleans;

namespace ClusterSessions;

/// <summary>A request of the throughput comparison: its key, and when it was submitted (this process's clock).</summary>
[GenerateSerializer, Immutable]
public sealed record WorkRequest([property: Id(0)] string Key, [property: Id(1)] long SubmittedAt);

/// <summary>
/// The throughput comparison's handler (<c>--measure</c>): about 20 µs of work per request, then the time from submission
/// to completion is recorded. The submitter's clock is the handler's: the silos run in this process, or silo processes
/// on the same machine (<c>--processes --measure</c>), whose Stopwatch is the machine's monotonic clock.
/// </summary>
public sealed class WorkHandlers
{
    private static readonly long s_workTicks = Stopwatch.Frequency / 50_000; // 20 µs

    private readonly Latencies _latencies;

    public WorkHandlers(Latencies latencies) => _latencies = latencies;

    [RequestHandler(PartitionBy = nameof(WorkRequest.Key))]
    public void Work(WorkRequest request)
    {
        long end = Stopwatch.GetTimestamp() + s_workTicks;
        while (Stopwatch.GetTimestamp() < end)
        {
        }
        _latencies.Record(Stopwatch.GetTimestamp() - request.SubmittedAt);
    }
}

/// <summary>The plain Orleans baseline: a grain per key, one grain call per request, running the same handler.</summary>
public interface IWorkGrain : IGrainWithStringKey
{
    Task Work(WorkRequest request);
}

/// <summary>The baseline's grain: the same work as <see cref="WorkHandlers.Work"/>, called directly.</summary>
public sealed class WorkGrain : Grain, IWorkGrain
{
    private readonly WorkHandlers _handlers;

    public WorkGrain(WorkHandlers handlers) => _handlers = handlers;

    public Task Work(WorkRequest request)
    {
        _handlers.Work(request);
        return Task.CompletedTask;
    }
}

/// <summary>Submit-to-completion times of one run, in Stopwatch ticks.</summary>
public sealed class Latencies
{
    private readonly List<long> _ticks = new();

    public void Record(long ticks)
    {
        lock (_ticks)
            _ticks.Add(ticks);
    }

    /// <summary>The run's times, and clears for the next run.</summary>
    public long[] TakeTicks()
    {
        lock (_ticks)
        {
            long[] ticks = _ticks.ToArray();
            _ticks.Clear();
            return ticks;
        }
    }

    /// <summary>p50 and p99 of <paramref name="ticks"/>, in milliseconds.</summary>
    public static (double P50, double P99) Percentiles(long[] ticks)
    {
        long[] sorted = ticks.ToArray();
        Array.Sort(sorted);
        double Percentile(double p) => sorted.Length == 0 ? 0 : sorted[(int)Math.Min(sorted.Length - 1, p * sorted.Length)] * 1000.0 / Stopwatch.Frequency;
        return (Percentile(0.50), Percentile(0.99));
    }
}
