using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace ExecutorGen.Tests;

public class TelemetryTests
{
    private sealed class Boom : Exception
    {
    }

    [Fact]
    public async Task Counters_and_histograms_carry_the_executor_and_handler_tags()
    {
        using var factory = new TestMeterFactory();
        MetricCollector<long> Collect(string name) => new(factory, "ExecutorGen", name);
        using var submitted = Collect("executorgen.requests.submitted");
        using var completed = Collect("executorgen.requests.completed");
        using var failed = Collect("executorgen.requests.failed");
        using var retried = Collect("executorgen.requests.retried");
        using var deadLettered = Collect("executorgen.requests.dead_lettered");
        using var rejected = Collect("executorgen.requests.rejected");
        using var queueTime = new MetricCollector<double>(factory, "ExecutorGen", "executorgen.request.queue_time");
        using var duration = new MetricCollector<double>(factory, "ExecutorGen", "executorgen.request.duration");

        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 1, MaxAttempts = 2, RetryBackoff = TimeSpan.Zero, MeterFactory = factory });
        int attempts = 0;
        for (int i = 0; i < 5; i++)
            await engine.SubmitAsync(Engines.Work("k", i, () => { }), default);
        await engine.SubmitAsync(Engines.Work("k", 5, () => { if (++attempts == 1) throw new Boom(); }), default);
        await engine.SubmitAsync(Engines.Work("k", 6, () => throw new Boom()), default);
        await engine.ShutdownAsync();
        Assert.False(engine.TrySubmit(Engines.Work("k", 7, () => { })));

        Assert.Equal(7, submitted.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(6, completed.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(3, failed.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(2, retried.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(1, deadLettered.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(1, rejected.GetMeasurementSnapshot().EvaluateAsCounter());
        var measurement = completed.LastMeasurement!;
        Assert.Equal("Tests.WorkExecutor", measurement.Tags["executor"]);
        Assert.Equal("Work", measurement.Tags["handler"]);
        Assert.Equal(7, queueTime.GetMeasurementSnapshot().Count);
        Assert.Equal(7, duration.GetMeasurementSnapshot().Count);
        Assert.All(duration.GetMeasurementSnapshot(), m => Assert.InRange(m.Value, 0, 60));
        Assert.Equal("s", duration.Instrument!.Unit);
    }

    [Fact]
    public async Task Gauges_report_queue_depth_busy_workers_and_backpressure()
    {
        using var factory = new TestMeterFactory();
        using var depth = new MetricCollector<int>(factory, "ExecutorGen", "executorgen.queue.depth");
        using var busy = new MetricCollector<int>(factory, "ExecutorGen", "executorgen.workers.busy");
        using var backpressure = new MetricCollector<int>(factory, "ExecutorGen", "executorgen.backpressure");
        var blocked = new BlockedEngine(new ExecutorOptions { WorkerCount = 1, Capacity = 10, MeterFactory = factory });
        await blocked.BlockAsync();
        for (int i = 0; i < 9; i++)
            blocked.Engine.TrySubmit(Engines.Work("k", i, () => { }));

        depth.RecordObservableInstruments();
        busy.RecordObservableInstruments();
        backpressure.RecordObservableInstruments();
        Assert.Equal(9, depth.LastMeasurement!.Value);
        Assert.Equal("Tests.WorkExecutor", depth.LastMeasurement.Tags["executor"]);
        Assert.Equal(1, busy.LastMeasurement!.Value);
        Assert.Equal(1, backpressure.LastMeasurement!.Value);

        blocked.Release();
        await blocked.Engine.ShutdownAsync();
        depth.RecordObservableInstruments();
        Assert.Equal(9, depth.LastMeasurement!.Value); // a stopped executor no longer reports
    }

    [Theory]
    [InlineData(Ordering.PerKey)]
    [InlineData(Ordering.PerPartition)] // the partition's ring carries the parent from admission to the worker
    [InlineData(Ordering.Unordered)]
    public async Task Each_attempt_is_a_consumer_activity_parented_to_the_submitters_activity(Ordering ordering)
    {
        var exported = new List<Activity>();
        using var submitter = new ActivitySource("ExecutorGen.Tests.Submitter");
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource("ExecutorGen", submitter.Name)
            .SetSampler(new AlwaysOnSampler())
            .AddInMemoryExporter(exported)
            .Build();

        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2, MaxAttempts = 2, RetryBackoff = TimeSpan.Zero, Ordering = ordering });
        ActivityTraceId traceId;
        ActivitySpanId parentSpan;
        int attempts = 0;
        using (var parent = submitter.StartActivity("submit order")!)
        {
            traceId = parent.TraceId;
            parentSpan = parent.SpanId;
            await engine.SubmitAsync(Engines.Work("k", 1, () => { if (++attempts == 1) throw new Boom(); }), default);
        }
        await engine.ShutdownAsync();
        tracing.Dispose(); // flushes, and stops other tests' executors from adding to the list while it is read

        var executions = exported.ToArray().Where(a => a.Source.Name == "ExecutorGen" && a.TraceId == traceId).OrderBy(a => a.StartTimeUtc).ToList();
        Assert.Equal(2, executions.Count);
        Assert.All(executions, a =>
        {
            Assert.Equal(ActivityKind.Consumer, a.Kind);
            Assert.Equal(parentSpan, a.ParentSpanId);
            Assert.Equal("Work", a.DisplayName);
            Assert.Equal("Tests.WorkExecutor", a.GetTagItem("executorgen.executor"));
        });
        Assert.Equal(ActivityStatusCode.Error, executions[0].Status);
        Assert.Equal(1, executions[0].GetTagItem("executorgen.attempt"));
        Assert.NotEqual(ActivityStatusCode.Error, executions[1].Status);
        Assert.Equal(2, executions[1].GetTagItem("executorgen.attempt"));
    }

    [Fact]
    public async Task An_executor_built_inside_an_activity_does_not_parent_its_executions_to_it()
    {
        var exported = new List<Activity>();
        using var constructing = new ActivitySource("ExecutorGen.Tests.Constructing");
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource("ExecutorGen", constructing.Name)
            .AddInMemoryExporter(exported)
            .Build();

        ExecutorGen.Runtime.ExecutorEngine<string, Work, WorkDispatcher> engine;
        ActivityTraceId constructionTrace;
        using (var startup = constructing.StartActivity("startup")!)
        {
            constructionTrace = startup.TraceId;
            engine = new(default, new ExecutorOptions { WorkerCount = 1 }, "Tests.ConstructedInsideAnActivity");
        }
        await engine.SubmitAsync(Engines.Work("k", 1, () => { }), default);
        await engine.ShutdownAsync();
        tracing.Dispose(); // flushes, and stops other tests' executors from adding to the list while it is read

        var execution = Assert.Single(exported.ToArray(), a => (string?)a.GetTagItem("executorgen.executor") == "Tests.ConstructedInsideAnActivity");
        Assert.NotEqual(constructionTrace, execution.TraceId);
        Assert.Equal(default, execution.ParentSpanId);
    }
}
