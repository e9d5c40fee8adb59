using System;
using System.Collections.Generic;

namespace ExecutorGen.Hosting;

/// <summary>
/// Lets at most <see cref="Limit"/> messages of one kind through per <see cref="Interval"/> (a fixed window per
/// kind) and counts the rest; the count of suppressed messages is handed to the next message let through, so
/// the log says how many were left out. Thread-safe.
/// </summary>
internal sealed class LogRateLimiter
{
    /// <summary>Messages of one kind per interval, by default.</summary>
    public const int DefaultLimit = 10;

    /// <summary>The default interval.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(1);

    private readonly Dictionary<int, Window> _windows = new();
    private readonly TimeProvider _time;

    public LogRateLimiter(int limit, TimeSpan interval, TimeProvider time)
    {
        if (limit < 1)
            throw new ArgumentOutOfRangeException(nameof(limit), limit, "The limit must be at least 1.");
        if (interval <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "The interval must be positive.");
        Limit = limit;
        Interval = interval;
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    public int Limit { get; }

    public TimeSpan Interval { get; }

    /// <summary>
    /// Whether a message of kind <paramref name="kind"/> may be logged now; if so, <paramref name="suppressed"/>
    /// is how many of that kind were held back since the last one let through (they are then forgotten).
    /// </summary>
    public bool TryAcquire(int kind, out long suppressed)
    {
        long now = _time.GetTimestamp();
        lock (_windows)
        {
            if (!_windows.TryGetValue(kind, out var window))
                _windows[kind] = window = new Window { Start = now };
            if (_time.GetElapsedTime(window.Start, now) >= Interval)
            {
                window.Start = now;
                window.Count = 0;
            }
            if (window.Count >= Limit)
            {
                window.Suppressed++;
                suppressed = 0;
                return false;
            }
            window.Count++;
            suppressed = window.Suppressed;
            window.Suppressed = 0;
            return true;
        }
    }

    private sealed class Window
    {
        public long Start;
        public int Count;
        public long Suppressed;
    }
}
