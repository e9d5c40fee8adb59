using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace ExecutorGen.Runtime;

/// <summary>What an engine reports to the observable gauges.</summary>
internal interface IGaugeSource
{
    string Name { get; }

    (int QueueDepth, int BusyWorkers, bool Backpressure) ReadGauges();
}

/// <summary>
/// The instruments of one <see cref="Meter"/> named <c>ExecutorGen</c>, shared by every engine that reports
/// to it (the process-wide meter, or the one an <see cref="IMeterFactory"/> gives). Names follow the
/// OpenTelemetry conventions; every measurement carries the <c>executor</c> tag and, per request, the
/// <c>handler</c> tag, both strings that exist already, so recording allocates nothing. With no listener
/// an instrument's <c>Enabled</c> is false and the engine skips it.
/// </summary>
internal sealed class ExecutorTelemetry
{
    public const string MeterName = "ExecutorGen";
    public const string ActivitySourceName = "ExecutorGen";

    private static readonly string? s_version = typeof(ExecutorTelemetry).Assembly.GetName().Version?.ToString();
    private static readonly Lazy<ExecutorTelemetry> s_shared = new(() => new ExecutorTelemetry(new Meter(MeterName, s_version)));
    private static readonly ConditionalWeakTable<Meter, ExecutorTelemetry> s_byMeter = new();

    /// <summary>One activity per execution attempt, kind Consumer, parented to the submitter's activity.</summary>
    public static readonly ActivitySource ActivitySource = new(ActivitySourceName, s_version);

    // Copy-on-write and lock-free: registration is rare, and a process-wide lock would be shared state that
    // systematic-testing tools (which re-run a scenario many times in one process) cannot track across runs.
    private WeakReference<IGaugeSource>[] _sources = Array.Empty<WeakReference<IGaugeSource>>();

    private ExecutorTelemetry(Meter meter)
    {
        Submitted = meter.CreateCounter<long>("executorgen.requests.submitted", "{request}", "Requests accepted.");
        Completed = meter.CreateCounter<long>("executorgen.requests.completed", "{request}", "Requests whose handler completed.");
        Failed = meter.CreateCounter<long>("executorgen.requests.failed", "{attempt}", "Failed attempts.");
        Rejected = meter.CreateCounter<long>("executorgen.requests.rejected", "{request}", "Requests refused (never accepted).");
        Dropped = meter.CreateCounter<long>("executorgen.requests.dropped", "{request}", "Accepted requests shed by the full mode.");
        Retried = meter.CreateCounter<long>("executorgen.requests.retried", "{attempt}", "Attempts re-run after a failure.");
        TimedOut = meter.CreateCounter<long>("executorgen.requests.timed_out", "{attempt}", "Attempts that ran longer than the handler timeout (also counted as failed).");
        DeadLettered = meter.CreateCounter<long>("executorgen.requests.dead_lettered", "{request}", "Requests whose last attempt failed.");
        QueueTime = CreateDurationHistogram(meter, "executorgen.request.queue_time", "Time from acceptance to start.");
        Duration = CreateDurationHistogram(meter, "executorgen.request.duration", "Time from start to outcome, retries included.");
        BatchSize = CreateBatchSizeHistogram(meter);
        meter.CreateObservableGauge("executorgen.queue.depth", () => Observe(gauges => gauges.QueueDepth), "{request}", "Requests accepted and not yet started.");
        meter.CreateObservableGauge("executorgen.workers.busy", () => Observe(gauges => gauges.BusyWorkers), "{worker}", "Workers running a request.");
        meter.CreateObservableGauge("executorgen.backpressure", () => Observe(gauges => gauges.Backpressure ? 1 : 0), "{state}", "1 while backpressure is active.");
    }

    public Counter<long> Submitted { get; }
    public Counter<long> Completed { get; }
    public Counter<long> Failed { get; }
    public Counter<long> Rejected { get; }
    public Counter<long> Dropped { get; }
    public Counter<long> Retried { get; }
    public Counter<long> TimedOut { get; }
    public Counter<long> DeadLettered { get; }
    public Histogram<double> QueueTime { get; }
    public Histogram<double> Duration { get; }
    public Histogram<int> BatchSize { get; }

    /// <summary>The instruments for <paramref name="meterFactory"/>'s ExecutorGen meter, or the process-wide ones.</summary>
    public static ExecutorTelemetry For(IMeterFactory? meterFactory)
    {
        if (meterFactory is null)
            return s_shared.Value;
        var meter = meterFactory.Create(new MeterOptions(MeterName) { Version = s_version });
        return s_byMeter.GetValue(meter, static m => new ExecutorTelemetry(m));
    }

    public void Register(IGaugeSource source) =>
        Update(sources =>
        {
            var grown = new WeakReference<IGaugeSource>[sources.Length + 1];
            sources.CopyTo(grown, 0);
            grown[sources.Length] = new WeakReference<IGaugeSource>(source);
            return grown;
        });

    /// <summary>Removes the source, and any collected ones.</summary>
    public void Unregister(IGaugeSource source) =>
        Update(sources => Array.FindAll(sources, reference => reference.TryGetTarget(out var target) && !ReferenceEquals(target, source)));

    private void Update(Func<WeakReference<IGaugeSource>[], WeakReference<IGaugeSource>[]> change)
    {
        var current = Volatile.Read(ref _sources);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref _sources, change(current), current);
            if (ReferenceEquals(seen, current))
                return;
            current = seen;
        }
    }

    private IEnumerable<Measurement<int>> Observe(Func<(int QueueDepth, int BusyWorkers, bool Backpressure), int> select)
    {
        var measurements = new List<Measurement<int>>();
        foreach (var reference in Volatile.Read(ref _sources))
        {
            if (reference.TryGetTarget(out var source))
                measurements.Add(new Measurement<int>(select(source.ReadGauges()), new KeyValuePair<string, object?>("executor", source.Name)));
        }
        return measurements;
    }

    private static Histogram<int> CreateBatchSizeHistogram(Meter meter)
    {
        const string name = "executorgen.batch.size", unit = "{request}", description = "Requests per call of a batch handler.";
#if NET9_0_OR_GREATER
        // Powers of two: batch sizes spread over orders of magnitude, and the default boundaries stop at 10,000.
        var advice = new InstrumentAdvice<int> { HistogramBucketBoundaries = new[] { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024 } };
        return meter.CreateHistogram(name, unit, description, tags: null, advice);
#else
        return meter.CreateHistogram<int>(name, unit, description);
#endif
    }

    private static Histogram<double> CreateDurationHistogram(Meter meter, string name, string description)
    {
#if NET9_0_OR_GREATER
        // Boundaries from 100 µs to 60 s: the default ones (meant for milliseconds) would put every sample in one bucket.
        var advice = new InstrumentAdvice<double>
        {
            HistogramBucketBoundaries = new[] { 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60 },
        };
        return meter.CreateHistogram(name, "s", description, tags: null, advice);
#else
        return meter.CreateHistogram<double>(name, "s", description);
#endif
    }
}
