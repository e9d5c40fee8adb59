using System;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading;

namespace ExecutorGen.Runtime;

public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher> : IGaugeSource
{
    private readonly ExecutorTelemetry _telemetry;

    string IGaugeSource.Name => _name;

    (int QueueDepth, int BusyWorkers, bool Backpressure) IGaugeSource.ReadGauges() =>
        (QueuedTotal(), Math.Max(0, RunningTotal()), Volatile.Read(ref _backpressureState).IsActive);

    /// <summary>The submitter's activity, when anyone listens to the ExecutorGen activity source (else nothing to carry).</summary>
    private static ActivityContext CaptureParent() =>
        ExecutorTelemetry.ActivitySource.HasListeners() && Activity.Current is { } current ? current.Context : default;

    /// <summary>One activity per attempt: kind Consumer, child of the submitter's activity, named after the handler.</summary>
    private Activity? StartAttemptActivity(QueuedRequest request, string handler, int attempt)
    {
        if (!ExecutorTelemetry.ActivitySource.HasListeners())
            return null;
        var activity = ExecutorTelemetry.ActivitySource.StartActivity(handler, ActivityKind.Consumer, request.Parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("executorgen.executor", _name);
            activity.SetTag("executorgen.handler", handler);
            activity.SetTag("executorgen.attempt", BoxedAttempt(attempt));
            if (request.NextInBatch is not null)
                activity.SetTag("executorgen.batch.size", request.BatchSize);
        }
        return activity;
    }

    // Tag values are objects: the common attempt numbers are boxed once, not once per traced execution.
    private static readonly object[] s_boxedAttempts = CreateBoxedAttempts();

    private static object[] CreateBoxedAttempts()
    {
        var boxed = new object[16];
        for (int i = 0; i < boxed.Length; i++)
            boxed[i] = i + 1;
        return boxed;
    }

    private static object BoxedAttempt(int attempt) => attempt - 1 < s_boxedAttempts.Length ? s_boxedAttempts[attempt - 1] : attempt;

    private static void MarkFailed(Activity? activity, Exception failure)
    {
        if (activity is null)
            return;
        activity.SetStatus(ActivityStatusCode.Error, failure.Message);
        if (activity.IsAllDataRequested)
            activity.SetTag("exception.type", failure.GetType().FullName);
    }

    private void Record(Counter<long> counter, in TEnvelope envelope)
    {
        if (counter.Enabled)
            counter.Add(1, Tags(_dispatcher.GetHandlerName(envelope)));
    }

    /// <summary>Adds <paramref name="requests"/> (a batch's, or one) to a counter of requests or attempts.</summary>
    private void Record(Counter<long> counter, string handler, int requests = 1)
    {
        if (counter.Enabled)
            counter.Add(requests, Tags(handler));
    }

    private void RecordSeconds(Histogram<double> histogram, long stopwatchTicks, string handler)
    {
        if (histogram.Enabled)
            histogram.Record(stopwatchTicks / (double)Stopwatch.Frequency, Tags(handler));
    }

    // TagList holds up to eight tags inline and both values are strings that already exist: no allocation.
    private TagList Tags(string handler) => new() { { "executor", _name }, { "handler", handler } };
}
