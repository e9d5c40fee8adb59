using System;
using System.Diagnostics;
using System.Threading;

namespace ExecutorGen.Runtime;

/// <summary>
/// Events per second over a sliding window of whole seconds, lock-free. Each slot packs the second it
/// counts (high 32 bits) with the count (low 32 bits), so a slot is re-used for a new second and
/// counted in one compare-exchange, with no window in which an increment can be lost.
/// </summary>
internal sealed class RateMeter
{
    private const int Slots = 8;
    private const int WindowSeconds = 5;
    private readonly long[] _slots = new long[Slots];
    private readonly long _startTimestamp = Stopwatch.GetTimestamp();

    public void Record()
    {
        long second = CurrentSecond();
        ref long slot = ref _slots[second % Slots];
        long seen = Volatile.Read(ref slot);
        while (true)
        {
            long next = (seen >> 32) == second ? seen + 1 : (second << 32) | 1;
            long actual = Interlocked.CompareExchange(ref slot, next, seen);
            if (actual == seen)
                return;
            seen = actual;
        }
    }

    /// <summary>The rate over the last <see cref="WindowSeconds"/> seconds (or since start, if shorter).</summary>
    public double PerSecond()
    {
        long now = Stopwatch.GetTimestamp();
        long second = (now - _startTimestamp) / Stopwatch.Frequency;
        long sum = 0;
        for (int i = 0; i < Slots; i++)
        {
            long value = Volatile.Read(ref _slots[i]);
            long slotSecond = value >> 32;
            if (slotSecond <= second && slotSecond > second - WindowSeconds)
                sum += value & 0xFFFF_FFFF;
        }
        double elapsed = (now - _startTimestamp) / (double)Stopwatch.Frequency;
        // The window holds the current partial second plus the previous WindowSeconds - 1 whole ones.
        double window = Math.Min(elapsed, WindowSeconds - 1 + (elapsed - Math.Floor(elapsed)));
        return window <= 0.001 ? 0 : sum / window;
    }

    private long CurrentSecond() => (Stopwatch.GetTimestamp() - _startTimestamp) / Stopwatch.Frequency;
}
