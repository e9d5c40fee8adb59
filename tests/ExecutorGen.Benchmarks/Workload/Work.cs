using System.Diagnostics;

namespace ExecutorGen.Benchmarks.Workload;

/// <summary>
/// The handler work every executor runs, so all executors do exactly the same thing per request:
/// optional busy work (<see cref="BenchRequest.SpinTicks"/>), a few arithmetic operations, and
/// optionally an order check and a completion timestamp; then the run's <see cref="Countdown"/>.
/// </summary>
public sealed class Work
{
    private int[] _nextSequence = Array.Empty<int>();
    private int _orderViolations;
    private long _delayTicks;

    /// <summary>Counts the run's completions.</summary>
    public Countdown Countdown { get; } = new();

    /// <summary>When set, each handler checks that its key's requests arrive in sequence (the contract check).</summary>
    public bool CheckOrder { get; private set; }

    /// <summary>When set, each handler stamps <see cref="BenchRequest.CompletedAt"/> (the latency runs).</summary>
    public bool RecordCompletion { get; set; }

    /// <summary>Requests seen out of their key's order since <see cref="EnableOrderCheck"/>.</summary>
    public int OrderViolations => Volatile.Read(ref _orderViolations);

    /// <summary>Total time the <see cref="DelayAsync"/> handlers spent in their delay since <see cref="ResetDelayTime"/>.</summary>
    public TimeSpan DelayTime => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _delayTicks));

    /// <summary>Zeroes <see cref="DelayTime"/>.</summary>
    public void ResetDelayTime() => Interlocked.Exchange(ref _delayTicks, 0);

    /// <summary>Turns the per-key order check on for keys in [0, <paramref name="keyCount"/>).</summary>
    public void EnableOrderCheck(int keyCount)
    {
        _nextSequence = new int[keyCount];
        _orderViolations = 0;
        CheckOrder = true;
    }

    /// <summary>The CPU-bound handler (W1, W3, W4): busy work if asked, then arithmetic.</summary>
    public void Compute(BenchRequest request)
    {
        if (request.SpinTicks != 0)
            Spin(request.SpinTicks);
        long x = request.Key;
        x = (x * 31 + request.Sequence) ^ (x >> 3);
        request.Result = x * 7 + 1;
        Finish(request);
    }

    /// <summary>
    /// Stopwatch ticks of busy work per handler call, whatever the number of requests it carries (W5's round trip: a
    /// database or service call that a batch makes once for all its requests); 0 = none.
    /// </summary>
    public long PerCallTicks { get; set; }

    /// <summary>W5's single-request handler: the call's cost (<see cref="PerCallTicks"/>), then <see cref="Compute(BenchRequest)"/>.</summary>
    public void Call(BenchRequest request)
    {
        if (PerCallTicks != 0)
            Spin(PerCallTicks);
        Compute(request);
    }

    /// <summary>W5's batch handler: the call's cost once, then <see cref="Compute(BenchRequest)"/> for each request, in order.</summary>
    public void Call(IReadOnlyList<BenchRequest> requests)
    {
        if (PerCallTicks != 0)
            Spin(PerCallTicks);
        for (int i = 0; i < requests.Count; i++)
            Compute(requests[i]);
    }

    /// <summary>The I/O-bound handler (W2): one <c>await Task.Delay(1)</c>, its real duration added to <see cref="DelayTime"/>.</summary>
    public async Task DelayAsync(BenchRequest request)
    {
        long start = Stopwatch.GetTimestamp();
        await Task.Delay(1).ConfigureAwait(false);
        Interlocked.Add(ref _delayTicks, Stopwatch.GetTimestamp() - start);
        Finish(request);
    }

    private void Finish(BenchRequest request)
    {
        if (CheckOrder)
        {
            // Per-key order makes this read-modify-write race-free for ordered executors; a violation is counted.
            if (_nextSequence[request.Key] != request.Sequence)
                Interlocked.Increment(ref _orderViolations);
            _nextSequence[request.Key] = request.Sequence + 1;
        }
        if (RecordCompletion)
            request.CompletedAt = Stopwatch.GetTimestamp();
        Countdown.Signal(request.Key);
    }

    private static void Spin(long ticks)
    {
        long until = Stopwatch.GetTimestamp() + ticks;
        while (Stopwatch.GetTimestamp() < until)
        {
        }
    }
}
