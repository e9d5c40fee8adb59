using System.Diagnostics;
using ExecutorGen.Benchmarks.Peers;
using ExecutorGen.Benchmarks.Workload;

namespace ExecutorGen.Benchmarks.Runs;

/// <summary>
/// One W2 result: the median over repetitions of wall time ÷ that repetition's ideal, with the median wall
/// time, ideal and real delay of the handlers.
/// </summary>
public sealed record IoBoundResult(string Peer, int Workers, double DelayMs, double IdealMs, double MedianMs, double RatioToIdeal);

/// <summary>
/// W2 I/O-bound: 20,000 requests over 1,000 keys, handler <c>await Task.Delay(1)</c>, 8 and 64 workers. The
/// ideal wall time is requests × the delay's real latency ÷ workers. <c>Task.Delay(1)</c> sleeps until the next
/// timer tick, over 1 ms on Linux and much more on a loaded machine, and the load changes during a run, so
/// each handler measures its own delay: the ideal of a repetition is the sum of its handlers' real delays ÷
/// workers, and what is left over is the executor's (and the thread pool's) doing.
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
            foreach (var kind in Enum.GetValues<PeerKind>())
            {
                var work = new Work();
                await using var executor = PeerFactory.Create(kind, HandlerShape.Delay, work, workers, PeerFactory.DefaultCapacity(workers));
                await Driver.RunAsync(executor, work, warmup).ConfigureAwait(false);
                var walls = new List<double>();
                var ideals = new List<double>();
                for (int i = 0; i < mode.IoRepetitions; i++)
                {
                    work.ResetDelayTime();
                    long start = Stopwatch.GetTimestamp();
                    await Driver.RunAsync(executor, work, requests).ConfigureAwait(false);
                    walls.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    ideals.Add(work.DelayTime.TotalMilliseconds / workers);
                }
                double ideal = Statistics.Median(ideals);
                var result = new IoBoundResult(kind.ToString(), workers, ideal * workers / Requests, ideal,
                    Statistics.Median(walls), Statistics.Median(walls.Zip(ideals, (w, d) => w / d)));
                results.Add(result);
                log.WriteLine($"  W2 {kind,-12} workers={workers,2}: median {result.MedianMs,8:F0} ms, ideal {ideal,8:F0} ms (delay {result.DelayMs:F3} ms): {result.RatioToIdeal:F3} x ideal");
            }
        }
        return results;
    }
}
