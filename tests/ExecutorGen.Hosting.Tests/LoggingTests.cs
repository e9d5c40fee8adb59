using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace ExecutorGen.Hosting.Tests;

public class LoggingTests
{
    [Fact]
    public async Task A_retried_attempt_and_a_dead_letter_are_logged_with_their_exception_and_the_letter_still_reaches_the_sink()
    {
        var sink = new InMemoryDeadLetterQueue();
        var builder = HostTestKit.CreateBuilder();
        builder.Services.AddOrderHandlersExecutor(options =>
        {
            options.WorkerCount = 1;
            options.MaxAttempts = 2;
            options.RetryBackoff = TimeSpan.Zero;
            options.DeadLetters = sink;
        });
        using var host = builder.Build();
        await host.StartAsync();
        var executor = host.Services.GetRequiredService<OrderHandlersExecutor>();

        await Assert.ThrowsAsync<InvalidOperationException>(() => executor.InvokeFailAsync("order-9", 42));

        // The first attempt is retried (a warning); the last one dead-letters the request (an error).
        await HostTestKit.EventuallyAsync(() => HostTestKit.Logs(host).GetSnapshot().Any(r => r.Id.Name == "AttemptFailed"), "the retried attempt is logged");
        var retried = Assert.Single(HostTestKit.Logs(host).GetSnapshot(), r => r.Id.Name == "AttemptFailed");
        Assert.Equal(LogLevel.Warning, retried.Level);
        Assert.Contains("on attempt 1; it will be retried", retried.Message);
        Assert.IsType<InvalidOperationException>(retried.Exception);
        var record = Assert.Single(HostTestKit.Logs(host).GetSnapshot(), r => r.Id.Name == "RequestFailed");
        Assert.Equal(LogLevel.Error, record.Level);
        Assert.Equal(ExecutorHosting.LoggerCategoryPrefix + "OrderHandlers", record.Category);
        Assert.IsType<InvalidOperationException>(record.Exception);
        Assert.Contains("Fail request for key order-9 failed after 2 attempt(s)", record.Message);
        Assert.Equal(1, sink.Count);
        await host.StopAsync();
    }

    [Fact]
    public async Task Repeated_failures_are_rate_limited_and_the_next_message_counts_the_suppressed_ones()
    {
        var time = new ManualTimeProvider();
        var builder = HostTestKit.CreateBuilder();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddOrderHandlersExecutor(options => options.WorkerCount = 1);
        using var host = builder.Build();
        await host.StartAsync();
        var executor = host.Services.GetRequiredService<OrderHandlersExecutor>();

        for (int i = 0; i < LogRateLimiter.DefaultLimit + 5; i++)
            await Assert.ThrowsAsync<InvalidOperationException>(() => executor.InvokeFailAsync("order-" + i, i));
        Assert.Equal(LogRateLimiter.DefaultLimit, HostTestKit.Logs(host).GetSnapshot().Count(r => r.Id.Name == "RequestFailed"));
        Assert.DoesNotContain(HostTestKit.Logs(host).GetSnapshot(), r => r.Id.Name == "MessagesSuppressed");
        Assert.Equal(LogRateLimiter.DefaultLimit + 5, executor.GetMetrics().DeadLettered);

        time.Advance(LogRateLimiter.DefaultInterval);
        await Assert.ThrowsAsync<InvalidOperationException>(() => executor.InvokeFailAsync("order-last", 0));
        var records = HostTestKit.Logs(host).GetSnapshot().Where(r => r.Id.Name is "RequestFailed" or "MessagesSuppressed").ToList();
        Assert.Equal(LogRateLimiter.DefaultLimit + 2, records.Count);
        Assert.Equal("MessagesSuppressed", records[^2].Id.Name);
        Assert.Contains("5 RequestFailed messages were suppressed", records[^2].Message);
        Assert.Equal("RequestFailed", records[^1].Id.Name);
        Assert.Contains("key order-last", records[^1].Message);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_shed_request_is_logged_as_a_warning()
    {
        var handlers = new OrderHandlers();
        var builder = HostTestKit.CreateBuilder();
        builder.Services.AddSingleton(handlers);
        builder.Services.AddOrderHandlersExecutor(options =>
        {
            options.WorkerCount = 1;
            options.Capacity = 1;
            options.FullMode = QueueFullMode.DropNewest;
        });
        using var host = builder.Build();
        await host.StartAsync();
        var executor = host.Services.GetRequiredService<OrderHandlersExecutor>();
        try
        {
            handlers.Close();
            await executor.SubmitAsync("a"); // runs (and waits)
            await HostTestKit.EventuallyAsync(() => executor.GetMetrics().BusyWorkers == 1, "the first request to start");
            await executor.SubmitAsync("b"); // queued
            await executor.SubmitAsync("c"); // shed

            var record = Assert.Single(HostTestKit.Logs(host).GetSnapshot(), r => r.Id.Name == "RequestDropped");
            Assert.Equal(LogLevel.Warning, record.Level);
            Assert.Contains("key c", record.Message);
        }
        finally
        {
            handlers.Open();
            await host.StopAsync();
        }
    }
}
