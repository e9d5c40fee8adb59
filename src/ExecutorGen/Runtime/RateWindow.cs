using System;
using System.Diagnostics;

namespace ExecutorGen.Runtime;

/// <summary>
/// Arrival and completion rates over the last few seconds, computed from the engine's running totals as
/// its timer samples them. Nothing is recorded per request: the totals are counters the engine keeps
/// anyway, so the rates cost the hot path nothing. Guarded by the engine's lock.
/// </summary>
internal sealed class RateWindow
{
    private const int Slots = 16;
    private static readonly long s_windowTicks = 5 * Stopwatch.Frequency;

    private readonly long[] _timestamps = new long[Slots];
    private readonly long[] _arrivals = new long[Slots];
    private readonly long[] _completions = new long[Slots];
    private int _count;
    private int _next;

    /// <summary>Starts with a zero sample at creation, so rates are "since start" until the window fills.</summary>
    public RateWindow() => Sample(Stopwatch.GetTimestamp(), 0, 0);

    /// <summary>Stores the totals seen at <paramref name="timestamp"/> (a Stopwatch timestamp).</summary>
    public void Sample(long timestamp, long arrivals, long completions)
    {
        _timestamps[_next] = timestamp;
        _arrivals[_next] = arrivals;
        _completions[_next] = completions;
        _next = (_next + 1) % Slots;
        _count = Math.Min(_count + 1, Slots);
    }

    /// <summary>
    /// Rates per second from the oldest sample of the last five seconds to the current totals. When the
    /// timer samples less often than that, the newest sample is the start, so the window is one sample long.
    /// </summary>
    public (double Arrivals, double Completions) PerSecond(long now, long arrivals, long completions)
    {
        int start = -1;
        for (int age = 1; age <= _count; age++)
        {
            int slot = (_next - age + Slots) % Slots;
            if (start >= 0 && now - _timestamps[slot] > s_windowTicks)
                break;
            start = slot;
        }
        double seconds = (now - _timestamps[start]) / (double)Stopwatch.Frequency;
        if (seconds <= 0.001)
            return (0, 0);
        return ((arrivals - _arrivals[start]) / seconds, (completions - _completions[start]) / seconds);
    }
}
