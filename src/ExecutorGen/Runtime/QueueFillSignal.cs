using System;

namespace ExecutorGen.Runtime;

/// <summary>
/// The queue-fill backpressure rule, with hysteresis: raised on the admission that reaches the high watermark, and
/// cleared only once the queue has stayed under the low watermark for the dwell time, so one overload episode
/// raises it once, however its queue swings. The in-process engine judges the clear on its timer with a sample
/// interval as the dwell; the cluster engine, which has no timer, judges it as requests finish, with no dwell.
/// Not thread-safe: the engine calls it under its lock.
/// </summary>
internal sealed class QueueFillSignal
{
    private readonly double _high;
    private readonly double _low;
    private readonly long _dwellTicks; // in Stopwatch ticks
    private long _underLowSince; // Stopwatch timestamp since which a raised signal has been under the low watermark; 0 when not

    /// <param name="capacity">The requests the watermarks are shares of.</param>
    /// <param name="highWatermark">The share at which the signal is raised.</param>
    /// <param name="lowWatermark">The share under which it clears.</param>
    /// <param name="dwellTicks">How long (Stopwatch ticks) the queue must stay under the low watermark before it clears.</param>
    public QueueFillSignal(int capacity, double highWatermark, double lowWatermark, long dwellTicks)
    {
        _high = highWatermark * capacity;
        _low = lowWatermark * capacity;
        _dwellTicks = dwellTicks;
    }

    /// <summary>Whether the signal is raised: the queue has reached the high watermark.</summary>
    public bool Raised(int queued)
    {
        _underLowSince = 0; // the clock of a later clear starts under the low watermark, after this raise
        return queued >= _high;
    }

    /// <summary>
    /// Whether a raised signal clears: the queue has stayed under the low watermark for the dwell time, from the first
    /// reading under it (<paramref name="now"/>, a Stopwatch timestamp) to one at least the dwell later, every reading
    /// between them under it as well. A dip between two readings is not seen, which is what keeps the signal up
    /// through an overload whose queue swings.
    /// </summary>
    public bool Settled(long now, int queued)
    {
        if (queued >= _low)
        {
            _underLowSince = 0;
            return false;
        }
        if (_underLowSince == 0)
            _underLowSince = Math.Max(1, now);
        return now - _underLowSince >= _dwellTicks;
    }
}
