namespace ExecutorGen.Tests;

/// <summary>A handler class whose handler takes the token that <see cref="ExecutorOptions.HandlerTimeout"/> cancels.</summary>
public sealed class LookupHandlers
{
    [RequestHandler(PartitionBy = nameof(key))]
    public async Task<string> Fetch(string key, int delayMilliseconds, CancellationToken cancellationToken)
    {
        await Task.Delay(delayMilliseconds, cancellationToken);
        return key;
    }
}

/// <summary>Retry rules through a generated executor: its handler gets the attempt's token, its caller the outcome.</summary>
public class GeneratedRetryRulesTests
{
    [Fact]
    public async Task A_generated_handler_past_its_timeout_sees_its_token_cancelled_and_its_caller_gets_a_timeout()
    {
        await using var executor = new LookupHandlersExecutor(new LookupHandlers(), new ExecutorOptions
        {
            WorkerCount = 2,
            MaxAttempts = 3,
            RetryBackoff = TimeSpan.Zero,
            HandlerTimeout = TimeSpan.FromSeconds(1), // far beyond the fast call, whatever the machine's load
            RetryFilter = failure => failure is not TimeoutException,
        });

        Assert.Equal("fast", await executor.InvokeAsync("fast", 0)); // Task.Delay(0): completes at once
        var started = DateTime.UtcNow;
        await Assert.ThrowsAsync<TimeoutException>(() => executor.InvokeAsync("slow", 60_000));
        var metrics = executor.GetMetrics();

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30), "the token stopped the handler");
        Assert.Equal(1, metrics.TimedOut);
        Assert.Equal(0, metrics.Retried);
        Assert.Equal(1, metrics.DeadLettered);
    }
}
