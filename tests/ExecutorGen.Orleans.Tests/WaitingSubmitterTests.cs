using System;
using System.Linq;
using System.Threading.Tasks;
using Xunit;

namespace ExecutorGen.Orleans.Tests;

/// <summary>Submitters waiting for room under <see cref="QueueFullMode.Wait"/> are admitted in arrival order.</summary>
public sealed class WaitingSubmitterTests : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private readonly ClusterFixture _fixture;

    public WaitingSubmitterTests(ClusterFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Submitters_waiting_on_a_full_executor_are_admitted_in_the_order_they_started_waiting()
    {
        // Capacity 1: a waiter is admitted only once the request before it has finished, so the order in which the
        // waiters' handlers reach their gates is the order in which they were admitted.
        const int waiting = 6;
        string holderGate = Gates.New();
        var gates = Enumerable.Range(0, waiting).Select(_ => Gates.New()).ToArray();
        await using var executor = new HoldingHandlersClusterExecutor(_fixture.Cluster.Client, new ClusterExecutorOptions { Capacity = 1 });
        await executor.SubmitAsync(new HoldRequest(Guid.NewGuid().ToString("N"), holderGate));
        // Each call returns once its submitter waits, so this loop is their order of arrival. Different keys: no
        // per-key rule orders them.
        var submits = gates.Select(gate => executor.SubmitAsync(new HoldRequest(Guid.NewGuid().ToString("N"), gate)).AsTask()).ToArray();
        Assert.DoesNotContain(submits, submit => submit.IsCompleted);

        var reached = gates.Select(Gates.ReachedAsync).ToArray();
        Gates.Open(holderGate);
        try
        {
            for (int next = 0; next < waiting; next++)
            {
                var first = await Task.WhenAny(reached.Skip(next)).WaitAsync(s_timeout);
                Assert.Same(reached[next], first);
                await submits[next].WaitAsync(s_timeout);
                Assert.DoesNotContain(submits.Skip(next + 1), submit => submit.IsCompleted);
                Gates.Open(gates[next]);
            }
        }
        finally
        {
            foreach (string gate in gates)
                Gates.Open(gate); // a failed run still drains, rather than hold the executor's disposal
        }

        var report = await executor.ShutdownAsync().WaitAsync(s_timeout);
        Assert.Equal(waiting + 1, report.Completed);
    }

    [Fact]
    public async Task A_waiter_held_by_its_keys_limit_is_passed_by_other_keys_but_not_by_its_own()
    {
        string hot = Guid.NewGuid().ToString("N"), cold = Guid.NewGuid().ToString("N");
        string hotGate = Gates.New(), coldGate = Gates.New();
        await using var executor = new HoldingHandlersClusterExecutor(_fixture.Cluster.Client,
            new ClusterExecutorOptions { MaxQueuedPerKey = 1 });
        await executor.SubmitAsync(new HoldRequest(hot, hotGate));

        var hotWaiter = executor.SubmitAsync(new HoldRequest(hot, hotGate)).AsTask();
        Assert.False(executor.TrySubmit(new HoldRequest(hot, hotGate))); // would overtake the waiter of its key
        Assert.True(executor.TrySubmit(new HoldRequest(cold, coldGate))); // another key passes
        Assert.False(hotWaiter.IsCompleted);

        Gates.Open(hotGate);
        await hotWaiter.WaitAsync(s_timeout);
        Gates.Open(coldGate);
        var report = await executor.ShutdownAsync().WaitAsync(s_timeout);
        Assert.Equal(3, report.Completed);
    }
}
