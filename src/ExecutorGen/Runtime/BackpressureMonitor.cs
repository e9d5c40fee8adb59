using System;
using System.Diagnostics;

namespace ExecutorGen.Runtime;

/// <summary>
/// Decides which backpressure reasons hold (seed 2.3.2). Queue fill is <see cref="QueueFill"/>, whose clear is
/// judged on the timer: the queue must stay under the low watermark for a whole sample interval. The time-based
/// signals are sampled on the engine's timer, ten samples per <see cref="ExecutorOptions.BackpressureWindow"/>,
/// and judged over a full window, so a burst shorter than the window raises none of them. Not thread-safe: the
/// engine calls it under its lock.
/// </summary>
internal sealed class BackpressureMonitor
{
    public const int SamplesPerWindow = 10;

    private readonly TimeSpan _latencyThreshold;
    private readonly double _saturationThreshold;
    private readonly double _sampleSeconds;

    private readonly long[] _arrivals = new long[SamplesPerWindow];
    private readonly long[] _completions = new long[SamplesPerWindow];
    private readonly double[] _busy = new double[SamplesPerWindow];
    private int _samples;
    private long _lastArrivals;
    private long _lastCompletions;

    private readonly Action<LatencyHistogram> _mergeQueueTimes;
    private readonly LatencyHistogram _queueTime = new(); // the merged queue times, refreshed at each window's end
    private readonly long[] _windowStart; // the queue-time counts when the current window began
    private TimeSpan _windowP99;
    private bool _haveWindowP99;

    /// <param name="options">The thresholds and the window.</param>
    /// <param name="workerCount">For saturation.</param>
    /// <param name="mergeQueueTimes">
    /// Adds the engine's queue times (one histogram per worker) into the one given: a window's p99 is read from their
    /// growth over the window. Called under the engine's lock, once per window.
    /// </param>
    public BackpressureMonitor(ExecutorOptions options, int workerCount, Action<LatencyHistogram> mergeQueueTimes)
    {
        _mergeQueueTimes = mergeQueueTimes;
        _windowStart = _queueTime.NewBaseline();
        _latencyThreshold = options.LatencyThreshold;
        _saturationThreshold = options.SaturationThreshold;
        WorkerCount = workerCount;
        SampleInterval = TimeSpan.FromTicks(Math.Max(options.BackpressureWindow.Ticks / SamplesPerWindow, TimeSpan.TicksPerMillisecond));
        _sampleSeconds = SampleInterval.TotalSeconds;
        QueueFill = new QueueFillSignal(options.EffectiveCapacity, options.HighWatermark, options.LowWatermark, (long)(_sampleSeconds * Stopwatch.Frequency));
    }

    public TimeSpan SampleInterval { get; }

    /// <summary>The workers saturation is measured against (changed by <c>SetWorkerCount</c>).</summary>
    public int WorkerCount { get; set; }

    /// <summary>The queue-fill rule; a raised signal clears after a sample interval under the low watermark.</summary>
    public QueueFillSignal QueueFill { get; }

    /// <summary>The time-based reasons and the values measured over the last full window.</summary>
    public BackpressureReason TimedReasons { get; private set; }

    public TimeSpan QueueTimeP99 => _windowP99;

    public double Saturation { get; private set; }

    public double ArrivalRate { get; private set; }

    public double CompletionRate { get; private set; }

    /// <summary>Takes one sample and re-judges the time-based reasons.</summary>
    public void Sample(long arrivalsTotal, long completionsTotal, int busyWorkers)
    {
        int slot = _samples % SamplesPerWindow;
        _arrivals[slot] = arrivalsTotal - _lastArrivals;
        _completions[slot] = completionsTotal - _lastCompletions;
        _busy[slot] = Math.Min(1.0, busyWorkers / (double)WorkerCount);
        _lastArrivals = arrivalsTotal;
        _lastCompletions = completionsTotal;
        _samples++;

        if (_samples % SamplesPerWindow == 0)
        {
            _queueTime.Clear();
            _mergeQueueTimes(_queueTime);
            var summary = _queueTime.SummarizeSince(_windowStart);
            _windowP99 = summary.P99;
            _haveWindowP99 = summary.Count > 0;
        }
        if (_samples < SamplesPerWindow)
            return; // no full window yet: nothing is judged on a partial one

        long arrivals = 0, completions = 0;
        int outpaced = 0;
        double busy = 0;
        for (int i = 0; i < SamplesPerWindow; i++)
        {
            arrivals += _arrivals[i];
            completions += _completions[i];
            busy += _busy[i];
            if (_arrivals[i] > _completions[i])
                outpaced++;
        }
        double windowSeconds = _sampleSeconds * SamplesPerWindow;
        ArrivalRate = arrivals / windowSeconds;
        CompletionRate = completions / windowSeconds;
        Saturation = busy / SamplesPerWindow;

        var reasons = BackpressureReason.None;
        if (Saturation >= _saturationThreshold)
            reasons |= BackpressureReason.Saturation;
        // A trend, not a spike: arrivals ahead over the window and in at least 8 of its 10 samples.
        if (arrivals > completions && outpaced >= SamplesPerWindow * 8 / 10)
            reasons |= BackpressureReason.ArrivalRate;
        if (_haveWindowP99 && _windowP99 > _latencyThreshold)
            reasons |= BackpressureReason.Latency;
        TimedReasons = reasons;
    }

    /// <summary>After shutdown nothing holds.</summary>
    public void Clear() => TimedReasons = BackpressureReason.None;
}
