using System;
using System.Threading;

namespace ExecutorGen.Runtime;

/// <summary>
/// A log-linear histogram of durations in microseconds: exact below 16 µs, then 16 buckets per power of
/// two (relative error under 6.25 %). One writer at a time (each worker records into its own, outside any lock,
/// and readers merge them with <see cref="AddTo"/>); readers need no lock: every count is written
/// and read whole (<see cref="Volatile"/>), so a summary taken while recording goes on is at most a few
/// samples behind.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBuckets = 16;
    private const int SubBucketBits = 4;
    private const int MaxExponent = 42; // 2^42 µs ≈ 51 days; longer samples land in the last bucket
    private readonly long[] _counts = new long[(MaxExponent - SubBucketBits + 2) * SubBuckets];
    private long _maxTicks;

    public void Record(long stopwatchTicks)
    {
        if (stopwatchTicks < 0)
            stopwatchTicks = 0;
        long micros = (long)(stopwatchTicks * (1_000_000.0 / System.Diagnostics.Stopwatch.Frequency));
        ref long bucket = ref _counts[BucketOf(micros)];
        Volatile.Write(ref bucket, bucket + 1);
        if (stopwatchTicks > _maxTicks)
            Volatile.Write(ref _maxTicks, stopwatchTicks);
    }

    public LatencySummary Summarize()
    {
        var counts = new long[_counts.Length];
        for (int i = 0; i < counts.Length; i++)
            counts[i] = Volatile.Read(ref _counts[i]);
        return Summarize(counts);
    }

    /// <summary>
    /// The samples recorded since <paramref name="baseline"/> was last taken (all zero at first), and takes it anew:
    /// a window's summary without a histogram of its own. Its maximum is capped by the all-time maximum.
    /// </summary>
    public LatencySummary SummarizeSince(long[] baseline)
    {
        var counts = new long[_counts.Length];
        for (int i = 0; i < counts.Length; i++)
        {
            long now = Volatile.Read(ref _counts[i]);
            counts[i] = now - baseline[i];
            baseline[i] = now;
        }
        return Summarize(counts);
    }

    /// <summary>A baseline for <see cref="SummarizeSince"/>.</summary>
    public long[] NewBaseline() => new long[_counts.Length];

    /// <summary>Adds this histogram's counts into <paramref name="merged"/> (one per writer, merged when read).</summary>
    public void AddTo(LatencyHistogram merged)
    {
        for (int i = 0; i < _counts.Length; i++)
            merged._counts[i] += Volatile.Read(ref _counts[i]);
        long max = Volatile.Read(ref _maxTicks);
        if (max > merged._maxTicks)
            merged._maxTicks = max;
    }

    /// <summary>Zeroes a merge target before the next merge.</summary>
    public void Clear()
    {
        Array.Clear(_counts, 0, _counts.Length);
        _maxTicks = 0;
    }

    private LatencySummary Summarize(long[] counts)
    {
        long total = 0;
        foreach (long count in counts)
            total += count;
        if (total == 0)
            return LatencySummary.Empty;

        var max = TimeSpan.FromSeconds(Volatile.Read(ref _maxTicks) / (double)System.Diagnostics.Stopwatch.Frequency);
        return new LatencySummary(
            total,
            Min(Percentile(counts, total, 0.50), max),
            Min(Percentile(counts, total, 0.90), max),
            Min(Percentile(counts, total, 0.99), max),
            max);
    }

    internal static int BucketOf(long micros)
    {
        if (micros < SubBuckets)
            return (int)micros;
        int exponent = 63 - LeadingZeroCount((ulong)micros); // ≥ 4
        if (exponent > MaxExponent)
            return (MaxExponent - SubBucketBits + 2) * SubBuckets - 1;
        int sub = (int)((micros >> (exponent - SubBucketBits)) & (SubBuckets - 1));
        return (exponent - SubBucketBits + 1) * SubBuckets + sub;
    }

    /// <summary>The midpoint of a bucket, in microseconds.</summary>
    internal static double MidpointOf(int bucket)
    {
        if (bucket < SubBuckets)
            return bucket;
        int exponent = bucket / SubBuckets + SubBucketBits - 1;
        int sub = bucket % SubBuckets;
        double width = Math.Pow(2, exponent - SubBucketBits);
        return Math.Pow(2, exponent) + (sub + 0.5) * width;
    }

    private static TimeSpan Percentile(long[] counts, long total, double quantile)
    {
        long rank = Math.Max(1, (long)Math.Ceiling(total * quantile));
        long seen = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
                return TimeSpan.FromTicks((long)(MidpointOf(i) * (TimeSpan.TicksPerMillisecond / 1000.0)));
        }
        return TimeSpan.Zero;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static int LeadingZeroCount(ulong value) => System.Numerics.BitOperations.LeadingZeroCount(value);
}
