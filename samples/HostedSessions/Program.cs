using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using HostedSessions;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

// A Generic Host app: the executor, its options (appsettings.json, section Executors:SessionHandlers), a
// hosted service that drains it on shutdown and a health check come from one generated call. OpenTelemetry
// prints the ExecutorGen meter's instruments and a sample of the per-attempt activities to the console.
// Exit code 0 only when every user's requests ran in order.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory, // finds appsettings.json however the sample is started
});

builder.Services.AddSessionHandlersExecutor(options => options.MaxAttempts = 2);
builder.Services.AddHostedService<Producer>();

builder.Services.AddOpenTelemetry()
    .WithMetrics(metrics => metrics
        .AddMeter("ExecutorGen")
        .AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 5_000))
    .WithTracing(tracing => tracing
        .AddSource("ExecutorGen")
        .SetSampler(new TraceIdRatioBasedSampler(0.005)) // one attempt in 200: enough to see the shape
        .AddConsoleExporter());

using var host = builder.Build();
var handlers = host.Services.GetRequiredService<SessionHandlers>();
var executor = host.Services.GetRequiredService<SessionHandlersExecutor>();
await host.RunAsync(); // returns once the producer has stopped the application and the executor has drained

var metrics = executor.GetMetrics(); // still answers after shutdown, with the final figures
var expected = new List<string> { "login" };
expected.AddRange(Enumerable.Range(1, Producer.UpdatesPerUser).Select(i => "update " + i));
expected.Add("logout");
int outOfOrder = Enumerable.Range(0, Producer.Users)
    .Count(user => !handlers.History.TryGetValue("user-" + user, out var history) || !history.SequenceEqual(expected));

bool ok = outOfOrder == 0 && metrics.Completed == Producer.Users * (Producer.UpdatesPerUser + 2);
Console.WriteLine(ok
    ? $"OK: the host drained {metrics.Completed:N0} requests; every user's ran in order."
    : $"FAILED: {outOfOrder} users out of order; completed {metrics.Completed:N0}.");
return ok ? 0 : 1;
