using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace ExecutorGen.Hosting.Tests;

public class HostLifetimeTests
{
    [Fact]
    public async Task Stopping_the_host_drains_every_accepted_request()
    {
        var handlers = new OrderHandlers();
        var builder = HostTestKit.CreateBuilder();
        builder.Services.AddSingleton(handlers);
        builder.Services.AddOrderHandlersExecutor(options => options.WorkerCount = 2);
        using var host = builder.Build();
        await host.StartAsync();
        var executor = host.Services.GetRequiredService<OrderHandlersExecutor>();

        handlers.Close();
        for (int i = 0; i < 100; i++)
            await executor.SubmitAsync("order-" + (i % 10));
        var stop = host.StopAsync();
        await Task.Delay(100);
        Assert.False(stop.IsCompleted, "the host stopped while accepted requests were still waiting");
        Assert.False(executor.TrySubmit("late"), "the executor accepted a request after the host began stopping");

        handlers.Open();
        await stop;
        Assert.Equal(100, handlers.Placed.Count);
        var metrics = executor.GetMetrics();
        Assert.Equal((100L, 0L), (metrics.Completed, metrics.QueueDepth));
        var shutDown = HostTestKit.Logs(host).GetSnapshot().Single(r => r.Id.Name == "ShutDown");
        Assert.Contains("100 completed", shutDown.Message);
        Assert.Contains("0 unprocessed", shutDown.Message);
    }

    [Fact]
    public async Task A_drain_longer_than_the_host_shutdown_timeout_is_logged_and_the_host_stops()
    {
        var handlers = new OrderHandlers();
        var builder = HostTestKit.CreateBuilder();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(200));
        builder.Services.AddSingleton(handlers);
        builder.Services.AddOrderHandlersExecutor(options => options.WorkerCount = 1);
        using var host = builder.Build();
        await host.StartAsync();
        var executor = host.Services.GetRequiredService<OrderHandlersExecutor>();

        handlers.Close();
        for (int i = 0; i < 5; i++)
            await executor.SubmitAsync("order-" + i);
        // The message counts the queued requests: wait until the one worker holds the first, however loaded the machine.
        await HostTestKit.EventuallyAsync(() => executor.GetMetrics().BusyWorkers == 1, "the worker to take the first order");
        try
        {
            await host.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
            var record = HostTestKit.Logs(host).GetSnapshot().Single(r => r.Id.Name == "DrainIncomplete");
            Assert.Equal(LogLevel.Warning, record.Level);
            Assert.Contains("4 requests were still queued", record.Message);
        }
        finally
        {
            handlers.Open();
            await executor.ShutdownAsync();
        }
        Assert.Equal(5, handlers.Placed.Count); // the drain carried on after the host stopped waiting
    }

    [Fact]
    public async Task Health_is_healthy_while_running_and_unhealthy_after_the_host_stopped()
    {
        var builder = HostTestKit.CreateBuilder();
        builder.Services.AddOrderHandlersExecutor(options => options.WorkerCount = 2);
        using var host = builder.Build();
        await host.StartAsync();

        var entry = (await HostTestKit.CheckHealthAsync(host)).Entries["OrderHandlers"];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal(2, entry.Data["workers"]);

        await host.StopAsync();
        entry = (await HostTestKit.CheckHealthAsync(host)).Entries["OrderHandlers"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("shut down", entry.Description);
    }

    [Fact]
    public async Task Health_is_unhealthy_once_application_code_shuts_the_executor_down_itself()
    {
        var builder = HostTestKit.CreateBuilder();
        builder.Services.AddOrderHandlersExecutor(options => options.WorkerCount = 1);
        using var host = builder.Build();
        await host.StartAsync();

        await host.Services.GetRequiredService<OrderHandlersExecutor>().ShutdownAsync();
        var entry = (await HostTestKit.CheckHealthAsync(host)).Entries["OrderHandlers"];
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        await host.StopAsync();
    }

    [Fact]
    public async Task Health_is_degraded_under_backpressure_and_the_change_is_logged()
    {
        var handlers = new OrderHandlers();
        var builder = HostTestKit.CreateBuilder();
        builder.Services.AddSingleton(handlers);
        builder.Services.AddOrderHandlersExecutor(options =>
        {
            options.WorkerCount = 1;
            options.Capacity = 10;
            options.HighWatermark = 0.5;
            options.LowWatermark = 0.2;
        });
        using var host = builder.Build();
        await host.StartAsync();
        var executor = host.Services.GetRequiredService<OrderHandlersExecutor>();
        try
        {
            handlers.Close();
            for (int i = 0; i < 9; i++)
                await executor.SubmitAsync("order-" + i);

            var entry = await HostTestKit.EventuallyHealthAsync(host, HealthStatus.Degraded);
            Assert.Contains("backpressure", entry.Description);
            Assert.Contains("QueueFill", entry.Description);
            await HostTestKit.EventuallyAsync(
                () => HostTestKit.Logs(host).GetSnapshot().Any(r => r.Id.Name == "BackpressureOn" && r.Level == LogLevel.Warning),
                "the BackpressureOn log");

            handlers.Open();
            await HostTestKit.EventuallyHealthAsync(host, HealthStatus.Healthy);
            await HostTestKit.EventuallyAsync(
                () => HostTestKit.Logs(host).GetSnapshot().Any(r => r.Id.Name == "BackpressureOff"),
                "the BackpressureOff log");
        }
        finally
        {
            handlers.Open();
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Health_is_degraded_while_a_worker_is_stuck_and_the_stuck_worker_is_logged()
    {
        var handlers = new OrderHandlers();
        var builder = HostTestKit.CreateBuilder();
        builder.Services.AddSingleton(handlers);
        builder.Services.AddOrderHandlersExecutor(options =>
        {
            options.WorkerCount = 2;
            options.StuckAfter = TimeSpan.FromMilliseconds(50);
        });
        using var host = builder.Build();
        await host.StartAsync();
        var executor = host.Services.GetRequiredService<OrderHandlersExecutor>();
        try
        {
            handlers.Close();
            await executor.SubmitAsync("order-1");

            var entry = await HostTestKit.EventuallyHealthAsync(host, HealthStatus.Degraded);
            Assert.Contains("stuck", entry.Description);
            Assert.Equal(1, entry.Data["stuckWorkers"]);
            await HostTestKit.EventuallyAsync(
                () => HostTestKit.Logs(host).GetSnapshot().Any(r => r.Id.Name == "WorkerStuck" && r.Level == LogLevel.Warning),
                "the WorkerStuck log");

            handlers.Open();
            await HostTestKit.EventuallyHealthAsync(host, HealthStatus.Healthy);
        }
        finally
        {
            handlers.Open();
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Health_is_unhealthy_when_every_worker_is_stuck()
    {
        var handlers = new OrderHandlers();
        var builder = HostTestKit.CreateBuilder();
        builder.Services.AddSingleton(handlers);
        builder.Services.AddOrderHandlersExecutor(options =>
        {
            options.WorkerCount = 1;
            options.Ordering = Ordering.PerPartition; // no replacement worker: the only worker is lost
            options.StuckAfter = TimeSpan.FromMilliseconds(50);
        });
        using var host = builder.Build();
        await host.StartAsync();
        var executor = host.Services.GetRequiredService<OrderHandlersExecutor>();
        try
        {
            handlers.Close();
            await executor.SubmitAsync("order-1");

            var entry = await HostTestKit.EventuallyHealthAsync(host, HealthStatus.Unhealthy);
            Assert.Contains("lost its workers", entry.Description);
        }
        finally
        {
            handlers.Open();
            await host.StopAsync();
        }
    }
}
