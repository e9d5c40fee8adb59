using System.Runtime.InteropServices;

namespace ExecutorGen.Benchmarks.Workload;

/// <summary>
/// Completes when every request of a run has been handled. One shared counter would make all workers
/// contend on one cache line and blur the differences between executors, so the count is striped by
/// key: each stripe (on its own cache line) counts down its keys' requests, and the last request of
/// the last stripe completes the run.
/// </summary>
public sealed class Countdown
{
    private const int Stripes = 64;

    // 16 longs = 128 bytes between stripes: no two stripes share a cache line (or an adjacent-line prefetch pair).
    private const int Stride = 16;

    private readonly long[] _remaining = new long[Stripes * Stride];
    private readonly int[] _perStripe = new int[Stripes];
    private int _stripesLeft;
    private TaskCompletionSource _done = NewSource();

    /// <summary>Completes when the current run's requests have all been signalled.</summary>
    public Task WhenDone => _done.Task;

    /// <summary>Arms the countdown for a run of <paramref name="requests"/>. Not thread-safe: call between runs.</summary>
    public void Reset(IReadOnlyList<BenchRequest> requests)
    {
        Array.Clear(_perStripe);
        foreach (var request in requests)
            _perStripe[StripeOf(request.Key)]++;
        int stripes = 0;
        for (int s = 0; s < Stripes; s++)
        {
            _remaining[s * Stride] = _perStripe[s];
            if (_perStripe[s] > 0) stripes++;
        }
        _stripesLeft = stripes;
        _done = NewSource();
        if (stripes == 0) _done.TrySetResult();
    }

    /// <summary>One request of <paramref name="key"/> finished.</summary>
    public void Signal(int key)
    {
        if (Interlocked.Decrement(ref _remaining[StripeOf(key) * Stride]) == 0
            && Interlocked.Decrement(ref _stripesLeft) == 0)
        {
            _done.TrySetResult();
        }
    }

    private static int StripeOf(int key) => (int)((uint)key % Stripes);

    // Continuations run on the thread pool, never inline on the worker that signals last.
    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
