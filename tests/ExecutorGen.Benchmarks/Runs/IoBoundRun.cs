using System.Diagnostics;
using ExecutorGen.Benchmarks.Peers;
using ExecutorGen.Benchmarks.Workload;

namespace ExecutorGen.Benchmarks.Runs;

/// <summary>One W2 result: median wall time of an executor against the ideal for its worker count.</summary>
public sealed record IoBoundResult(string Peer, int Workers, double DelayMs, double IdealMs, double MedianMs, double MinMs, double MaxMs)
{
    /// <summary>Median wall time ÷ ideal (1.0 = ideal; the target is ≤ 1.05).</summary>
    public double RatioToIdeal => MedianMs / IdealMs;
}

/// <summary>
/// W2 I/O-bound: 20,000 requests over 1,000 keys, handler <c>await Task.Delay(1)</c>, 8 and 64 workers. The
/// ideal wall time is requests × the delay's real latency ÷ workers. <c>Task.Delay(1)</c> sleeps until the next
/// timer tick, well over 1 ms on Linux, so that latency is measured in the same run: <c>workers</c> concurrent
/// loops of sequential delays (the load the handlers put on the timer), their mean per delay.
/// </summary>
public static class IoBoundRun
{
    /// <summary>Requests per run.</summary>
    public const int Requests = 20_000;

    /// <summary>Distinct keys.</summary>
    public const int Keys = 1_000;

    /// <summary>Runs every peer at 8 and 64 workers.</summary>
    public static async Task<IReadOnlyList<IoBoundResult>> RunAsync(BenchMode mode, TextWriter log)
    {
        var requests = RequestSet.Create(Requests, Keys);
        var warmup = RequestSet.Create(Requests / 10, Keys, seed: 9);
        var results = new List<IoBoundResult>();
        foreach (int workers in new[] { 8, 64 })
        {
            double delayMs = await MeasureDelayMsAsync(workers, delaysPerLoop: mode.Repetitions * 50).ConfigureAwait(false);
            double idealMs = Requests * delayMs / workers;
            log.WriteLine($"  W2 workers={workers}: Task.Delay(1) takes {delayMs:F3} ms; ideal {idealMs:F0} ms");
            foreach (var kind in Enum.GetValues<PeerKind>())
            {
                var work = new Work();
                await using var executor = PeerFactory.Create(kind, HandlerShape.Delay, work, workers, PeerFactory.DefaultCapacity(workers));
                await Driver.RunAsync(executor, work, warmup).ConfigureAwait(false);
                var times = new List<double>();
                for (int i = 0; i < mode.Repetitions; i++)
                {
                    long start = Stopwatch.GetTimestamp();
                    await Driver.RunAsync(executor, work, requests).ConfigureAwait(false);
                    times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                var result = new IoBoundResult(kind.ToString(), workers, delayMs, idealMs, Statistics.Median(times), times.Min(), times.Max());
                results.Add(result);
                log.WriteLine($"  W2 {kind,-12} workers={workers,2}: median {result.MedianMs,8:F0} ms = {result.RatioToIdeal:F3} x ideal");
            }
        }
        return results;
    }

    private static async Task<double> MeasureDelayMsAsync(int concurrency, int delaysPerLoop)
    {
        static async Task<double> LoopAsync(int count)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < count; i++)
                await Task.Delay(1).ConfigureAwait(false);
            return Stopwatch.GetElapsedTime(start).TotalMilliseconds / count;
        }

        var loops = new Task<double>[concurrency];
        for (int i = 0; i < concurrency; i++)
            loops[i] = LoopAsync(delaysPerLoop);
        return (await Task.WhenAll(loops).ConfigureAwait(false)).Average();
    }
}
