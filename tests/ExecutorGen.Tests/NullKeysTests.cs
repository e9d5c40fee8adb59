using System.Collections.Concurrent;

namespace ExecutorGen.Tests;

/// <summary>A handler with a nullable key that records how many of its null-key requests ran at once.</summary>
public sealed class TenantVisits
{
    private readonly TaskCompletionSource _company = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _runningWithoutTenant;
    private int _mostWithoutTenant;

    public TenantVisits(TimeSpan waitForCompany) => WaitForCompany = waitForCompany;

    /// <summary>How long a null-key request waits for a second one to run beside it.</summary>
    public TimeSpan WaitForCompany { get; }

    public int MostRunningWithoutTenant => Volatile.Read(ref _mostWithoutTenant);

    public ConcurrentQueue<string> Log { get; } = new();

#pragma warning disable EXG111 // null keys are what these tests are about
    [RequestHandler(PartitionBy = nameof(tenant))]
#pragma warning restore EXG111
    public async Task Visit(string? tenant, int sequence)
    {
        if (tenant is not null)
        {
            Log.Enqueue($"{tenant}:{sequence}");
            if (sequence % 3 == 0)
                await Task.Yield();
            return;
        }
        int running = Interlocked.Increment(ref _runningWithoutTenant);
        int most;
        while (running > (most = Volatile.Read(ref _mostWithoutTenant)) && Interlocked.CompareExchange(ref _mostWithoutTenant, running, most) != most)
        {
        }
        if (running == 2)
            _company.TrySetResult();
        await Task.WhenAny(_company.Task, Task.Delay(WaitForCompany));
        Interlocked.Decrement(ref _runningWithoutTenant);
    }
}

/// <summary><see cref="ExecutorOptions.NullKeys"/>.</summary>
public class NullKeysTests
{
    [Theory]
    [InlineData(Ordering.PerKey)]
    [InlineData(Ordering.PerPartition)]
    public async Task Unordered_null_keys_run_in_parallel_while_keyed_requests_keep_their_order(Ordering ordering)
    {
        var handlers = new TenantVisits(waitForCompany: TimeSpan.FromSeconds(30));
        await using (var executor = new TenantVisitsExecutor(handlers, new ExecutorOptions { WorkerCount = 4, Ordering = ordering, NullKeys = NullKeys.Unordered }))
        {
            await executor.SubmitAsync(null, 1);
            for (int i = 0; i < 60; i++)
                await executor.SubmitAsync("t" + (i % 3), i);
            await executor.SubmitAsync(null, 2);
        }

        Assert.Equal(2, handlers.MostRunningWithoutTenant);
        for (int t = 0; t < 3; t++)
        {
            var sequences = handlers.Log.Where(l => l.StartsWith($"t{t}:", StringComparison.Ordinal)).Select(l => int.Parse(l.Split(':')[1]));
            Assert.Equal(Enumerable.Range(0, 60).Where(i => i % 3 == t), sequences);
        }
    }

    [Fact]
    public async Task Ordered_null_keys_by_default_run_one_at_a_time()
    {
        var handlers = new TenantVisits(waitForCompany: TimeSpan.FromMilliseconds(200));
        await using (var executor = new TenantVisitsExecutor(handlers, new ExecutorOptions { WorkerCount = 4 }))
        {
            await executor.SubmitAsync(null, 1);
            await executor.SubmitAsync(null, 2);
        }

        Assert.Equal(1, handlers.MostRunningWithoutTenant);
    }

    [Fact]
    public void An_unknown_NullKeys_value_is_refused_with_the_option_named()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ExecutorOptions { NullKeys = (NullKeys)5 }.Validate());
        Assert.Equal(nameof(ExecutorOptions.NullKeys), error.ParamName);
    }
}
