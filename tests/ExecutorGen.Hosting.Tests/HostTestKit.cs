using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ExecutorGen.Hosting.Tests;

internal static class HostTestKit
{
    /// <summary>An empty Generic Host builder whose logs are collected (<see cref="Logs"/>).</summary>
    public static HostApplicationBuilder CreateBuilder()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Logging.AddFakeLogging();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        return builder;
    }

    public static FakeLogCollector Logs(IHost host) => host.Services.GetFakeLogCollector();

    public static Task<HealthReport> CheckHealthAsync(IHost host) =>
        host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(15))
                throw new TimeoutException("Timed out waiting for: " + what);
            await Task.Delay(10);
        }
    }

    public static async Task<HealthReportEntry> EventuallyHealthAsync(IHost host, HealthStatus status)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var entry = (await CheckHealthAsync(host)).Entries["OrderHandlers"];
            if (entry.Status == status)
                return entry;
            if (clock.Elapsed > TimeSpan.FromSeconds(15))
                throw new TimeoutException($"Health stayed {entry.Status} ({entry.Description}), expected {status}.");
            await Task.Delay(10);
        }
    }
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
