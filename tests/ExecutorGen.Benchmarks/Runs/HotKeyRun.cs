using System.Diagnostics;
using ExecutorGen.Benchmarks.Peers;
using ExecutorGen.Benchmarks.Workload;

namespace ExecutorGen.Benchmarks.Runs;

/// <summary>A W3 set-up: its name, the executors' workers and capacity, and how many hot-key requests the second producer submits.</summary>
public sealed record HotKeyScenario(string Name, int Workers, int CapacityPerWorker, int HotRequests);

/// <summary>One W3 result: submit-to-completion latency of the other keys (µs) and throughput.</summary>
public sealed record HotKeyResult(
    string Peer, int Workers, int OtherRequests, double OtherP50Us, double OtherP99Us, double OtherMaxUs,
    double HotP50Us, double HotP99Us, double ThroughputPerSecond);

/// <summary>
/// W3 hot key: other keys arrive at a steady 10,000 requests/s over 1,000 keys (a small fraction of what the
/// executors sustain) for one second; 200 ms in, a second producer submits requests for one key, each with
/// ≈ 20 µs of busy work. Both producers are dedicated threads, so a producer waiting for room never stalls the
/// other. Two scenarios (<see cref="HotKeyScenario"/>): <b>burst</b>, 5,000 hot requests on 4 workers with room
/// for all of them (8,192 per worker), which measures head-of-line blocking, not admission; and <b>saturating</b>,
/// 25,000 hot requests (half a second of the hot key's serial work) on 8 workers with the default capacity
/// (1,024 per worker), so the hot producer keeps the executor full and the other keys' latency shows whether
/// they wait behind it at admission. Latencies of all repetitions are pooled before the percentiles are
/// taken; throughput is all requests ÷ (last completion − first submission), the median over repetitions.
/// </summary>
public static class HotKeyRun
{
    /// <summary>The burst: more workers than the 2 cores of the reference machine, room for the whole burst.</summary>
    public static HotKeyScenario Burst { get; } = new("burst", Workers: 4, CapacityPerWorker: 8_192, HotRequests: 5_000);

    /// <summary>The saturating hot producer with the default options (the engine's default capacity).</summary>
    public static HotKeyScenario Saturating { get; } = new("saturating", Workers: 8, CapacityPerWorker: 1_024, HotRequests: 25_000);

    private const int OtherKeys = 1_000;
    private const int OtherRate = 10_000;
    private const int HotKey = OtherKeys; // keys 0 … 999 are the others
    private static readonly TimeSpan s_duration = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_burstAt = TimeSpan.FromMilliseconds(200);
    private static readonly long s_hotWork = Stopwatch.Frequency * 20 / 1_000_000;

    /// <summary>Runs every peer in <paramref name="scenario"/>.</summary>
    public static async Task<IReadOnlyList<HotKeyResult>> RunAsync(HotKeyScenario scenario, BenchMode mode, TextWriter log)
    {
        var results = new List<HotKeyResult>();
        foreach (var kind in Enum.GetValues<PeerKind>())
        {
            var result = await RunPeerAsync(kind, scenario, mode.HotKeyRepetitions).ConfigureAwait(false);
            results.Add(result);
            log.WriteLine($"  W3 {scenario.Name,-10} {kind,-12}: others p50 {result.OtherP50Us,9:F0} us, p99 {result.OtherP99Us,9:F0} us, "
                + $"max {result.OtherMaxUs,9:F0} us; hot p99 {result.HotP99Us,9:F0} us; {result.ThroughputPerSecond,8:F0} req/s");
        }
        return results;
    }

    private static async Task<HotKeyResult> RunPeerAsync(PeerKind kind, HotKeyScenario scenario, int repetitions)
    {
        var work = new Work { RecordCompletion = true };
        await using var executor = PeerFactory.Create(kind, HandlerShape.Compute, work, scenario.Workers, scenario.CapacityPerWorker * scenario.Workers);
        var others = new List<double>();
        var hot = new List<double>();
        var throughputs = new List<double>();
        // The first repetition warms up the executor (JIT, pools, threads) and is not counted.
        for (int repetition = 0; repetition <= repetitions; repetition++)
        {
            var steady = RequestSet.Create((int)(OtherRate * s_duration.TotalSeconds), OtherKeys, seed: repetition);
            var burst = Enumerable.Range(0, scenario.HotRequests).Select(i => new BenchRequest(HotKey, i, s_hotWork)).ToArray();
            work.Countdown.Reset(steady.Concat(burst).ToArray());
            long start = Stopwatch.GetTimestamp();
            var paced = StartProducer(() => SubmitPaced(executor, steady, start));
            var burster = StartProducer(() =>
            {
                Thread.Sleep(s_burstAt);
                foreach (var request in burst)
                    Submit(executor, request);
            });
            await Task.WhenAll(paced, burster, work.Countdown.WhenDone).ConfigureAwait(false);
            if (repetition == 0)
                continue;
            others.AddRange(steady.Select(LatencyUs));
            hot.AddRange(burst.Select(LatencyUs));
            long last = steady.Concat(burst).Max(r => r.CompletedAt);
            throughputs.Add((steady.Length + burst.Length) / Stopwatch.GetElapsedTime(start, last).TotalSeconds);
        }
        others.Sort();
        hot.Sort();
        return new HotKeyResult(kind.ToString(), scenario.Workers, others.Count,
            Statistics.Percentile(others, 50), Statistics.Percentile(others, 99), others[^1],
            Statistics.Percentile(hot, 50), Statistics.Percentile(hot, 99), Statistics.Median(throughputs));
    }

    private static double LatencyUs(BenchRequest request) =>
        Stopwatch.GetElapsedTime(request.SubmittedAt, request.CompletedAt).TotalMicroseconds;

    /// <summary>Submits <paramref name="requests"/> spread evenly over the run: each millisecond, those now due.</summary>
    private static void SubmitPaced(IBenchExecutor executor, BenchRequest[] requests, long start)
    {
        int next = 0;
        while (next < requests.Length)
        {
            double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            int due = Math.Min(requests.Length, (int)(elapsed / s_duration.TotalSeconds * requests.Length) + 1);
            while (next < due)
                Submit(executor, requests[next++]);
            Thread.Sleep(1);
        }
    }

    private static void Submit(IBenchExecutor executor, BenchRequest request)
    {
        request.SubmittedAt = Stopwatch.GetTimestamp();
        var accepted = executor.SubmitAsync(request);
        if (!accepted.IsCompletedSuccessfully)
            accepted.AsTask().GetAwaiter().GetResult();
    }

    private static Task StartProducer(Action produce)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                produce();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }) { IsBackground = true, Name = "W3 producer" };
        thread.Start();
        return done.Task;
    }
}
