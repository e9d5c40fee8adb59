using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using ExecutorGen.Tests;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization;
using Xunit;

namespace ExecutorGen.Orleans.Tests;

/// <summary>
/// <see cref="ClusterExecutorOptions.Durable"/> on one silo: SubmitAsync returns once the request is in its grain's stored
/// state, the grain works its stored queue in order by itself, outcomes come back by polling, and the per-grain limit
/// holds store calls back.
/// </summary>
public sealed class DurableAcceptanceTests : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private static readonly Serializer s_serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();
    private readonly ClusterFixture _fixture;

    public DurableAcceptanceTests(ClusterFixture fixture) => _fixture = fixture;

    private static string NewKey() => Guid.NewGuid().ToString("N");

    private static ClusterExecutorOptions Durable(ClusterExecutorOptions? options = null)
    {
        options ??= new ClusterExecutorOptions();
        options.Durable = true;
        return options;
    }

    [Fact]
    public async Task SubmitAsync_returns_once_the_request_is_in_its_grains_stored_state()
    {
        await using var executor = new RecordingHandlersClusterExecutor(_fixture.Cluster.Client, Durable());
        string key = NewKey();
        string grainKey = ClusterKeys.GrainKey(RecordingHandlersClusterExecutor.ExecutorName, key, null);
        for (int i = 0; i < 20; i++)
        {
            await executor.SubmitAsync(new StepRequest(key, i));
            // Read from the storage itself, as another silo would after this one died: the executor's i-th request (its
            // sequence number) is stored, whether or not it has run yet.
            var state = await ReadStoredStateAsync(grainKey);
            Assert.Equal(i + 1, Assert.Single(state.StoredUpTo).Value.Sequence);
        }
        await executor.ShutdownAsync().WaitAsync(s_timeout);
        Assert.Equal(Enumerable.Range(0, 20), ExecutionLog.Of(key));
        Assert.Empty((await ReadStoredStateAsync(grainKey)).Stored);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(8)]
    public async Task Many_keys_requests_run_in_submission_order_exactly_once(int? bucketCount)
    {
        const int keys = 100, stepsPerKey = 30;
        string run = NewKey().Substring(0, 8);
        var keyNames = Enumerable.Range(0, keys).Select(k => $"{run}-{k}").ToArray();
        await using var executor = new RecordingHandlersClusterExecutor(_fixture.Cluster.Client, Durable(new ClusterExecutorOptions { BucketCount = bucketCount, Capacity = 1_000 }));
        foreach (var key in keyNames)
            await executor.SubmitAsync(new OpenRequest(key));
        for (int step = 0; step < stepsPerKey; step++)
        {
            foreach (var key in keyNames)
                await executor.SubmitAsync(new StepRequest(key, step));
        }
        var report = await executor.ShutdownAsync().WaitAsync(s_timeout);

        var expected = new List<int> { -1 };
        expected.AddRange(Enumerable.Range(0, stepsPerKey));
        Assert.All(keyNames, key => Assert.Equal(expected, ExecutionLog.Of(key)));
        var metrics = executor.GetMetrics();
        Assert.Equal(keys * (stepsPerKey + 1), metrics.Completed);
        Assert.Equal(0, metrics.DeadLettered);
        Assert.Empty(report.Unprocessed);
    }

    [Fact]
    public async Task InvokeAsync_gets_results_and_handler_exceptions_and_failures_are_dead_letters()
    {
        var sink = new ListSink();
        await using var executor = new RecordingHandlersClusterExecutor(_fixture.Cluster.Client, Durable(new ClusterExecutorOptions { DeadLetters = sink }));
        string key = NewKey();

        Assert.Equal(1, await executor.InvokeStepAsync(new StepRequest(key, 0)).WaitAsync(s_timeout)); // the length of the key's log
        var failing = executor.InvokeFailAsync(new FailRequest(key, "boom"));
        var last = executor.InvokeStepAsync(new StepRequest(key, 1));
        Assert.Equal("boom", (await Assert.ThrowsAsync<InvalidOperationException>(() => failing.WaitAsync(s_timeout))).Message);
        Assert.Equal(3, await last.WaitAsync(s_timeout));

        var letter = Assert.Single(sink.Letters);
        Assert.Equal("Fail", letter.Handler);
        Assert.Equal("boom", letter.Exception!.Message);
        var report = await executor.ShutdownAsync().WaitAsync(s_timeout);
        var metrics = executor.GetMetrics();
        Assert.Equal(3, metrics.Submitted);
        Assert.Equal(2, metrics.Completed);
        Assert.Equal(1, metrics.DeadLettered);
        Assert.Equal(2, report.Completed);
        Assert.Equal(new[] { 0, -2, 1 }, ExecutionLog.Of(key));
    }

    [Fact]
    public async Task A_store_call_that_would_pass_the_limit_is_answered_full_and_stores_nothing()
    {
        string key = NewKey();
        var grain = _fixture.Cluster.Client.GetGrain<IPartitionGrain>(ClusterKeys.GrainKey(HoldingHandlersClusterExecutor.ExecutorName, key, null));
        var client = Guid.NewGuid();
        string gate = Gates.New();
        string open = Gates.New();
        Gates.Open(open);
        ClusterRequest[] Holds(int first, int count) => Enumerable.Range(first, count)
            .Select(i => new ClusterRequest(HoldHandler, client, key, i + 1, new object?[] { new HoldRequest(key, i == 0 ? gate : open) })).ToArray();

        Assert.True(await grain.StoreAsync(Holds(0, 40), maxStored: 40));
        await Gates.ReachedAsync(gate).WaitAsync(s_timeout); // the first turn (32 requests) runs, held at its first
        var overLimit = grain.StoreAsync(Holds(40, 33), maxStored: 40); // waits for the turn: the grain is not reentrant
        await Task.Delay(200);
        Gates.Open(gate);
        Assert.False(await overLimit.WaitAsync(s_timeout)); // 8 stored and unfinished + 33 > 40
        Assert.True(await grain.StoreAsync(Holds(40, 32), maxStored: 40));

        var outcomes = new List<StoredOutcome>();
        while (outcomes.Count < 72)
            outcomes.AddRange(await grain.TakeOutcomesAsync(client, outcomes.Count == 0 ? 0 : outcomes[^1].Sequence).WaitAsync(s_timeout));
        Assert.Equal(Enumerable.Range(1, 72), outcomes.Select(outcome => (int)outcome.Sequence));
        Assert.Equal(72, ExecutionLog.Of(key).Count);
    }

    [Fact]
    public async Task Clients_held_back_by_MaxStoredPerGrain_store_again_until_everything_ran_in_order()
    {
        var options = Durable(new ClusterExecutorOptions { MaxStoredPerGrain = 2, RedeliveryDelay = TimeSpan.FromMilliseconds(10) });
        // Not disposed: a request lost for want of a retry would keep DisposeAsync waiting; the shutdown below times out.
        var first = new RecordingHandlersClusterExecutor(_fixture.Cluster.Client, options);
        var second = new RecordingHandlersClusterExecutor(_fixture.Cluster.Client, options);
        string key = NewKey();
        // Two clients of one key: each stores two requests a call, and finds the grain full whenever the other's are there.
        var submitting = new[] { first, second }.Select((executor, which) => Task.Run(async () =>
        {
            for (int i = 0; i < 40; i++)
                await executor.SubmitAsync(new StepRequest(key, which * 1000 + i));
        })).ToArray();
        await Task.WhenAll(submitting).WaitAsync(s_timeout);
        await Task.WhenAll(first.ShutdownAsync(), second.ShutdownAsync()).WaitAsync(s_timeout);

        var executions = ExecutionLog.Of(key);
        Assert.Equal(Enumerable.Range(0, 40), executions.Where(index => index < 1000));
        Assert.Equal(Enumerable.Range(1000, 40), executions.Where(index => index >= 1000));
        Assert.Equal(80, first.GetMetrics().Completed + second.GetMetrics().Completed);
    }

    [Fact]
    public async Task A_redelivered_store_call_is_stored_once_and_its_requests_run_once()
    {
        string key = NewKey();
        var grain = GrainCalls.RecordingGrain(_fixture.Cluster.Client, key);
        var client = Guid.NewGuid();
        var call = new[] { GrainCalls.Step(client, key, 1, 0), GrainCalls.Step(client, key, 2, 1) };

        Assert.True(await grain.StoreAsync(call, maxStored: 10));
        Assert.True(await grain.StoreAsync(call, maxStored: 10)); // as after a reply lost on its way back
        var outcomes = new List<StoredOutcome>();
        while (outcomes.Count < 2)
            outcomes.AddRange(await grain.TakeOutcomesAsync(client, outcomes.Count == 0 ? 0 : outcomes[^1].Sequence).WaitAsync(s_timeout));

        Assert.Equal(new long[] { 1, 2 }, outcomes.Select(outcome => outcome.Sequence));
        Assert.Equal(new object?[] { 1, 2 }, outcomes.Select(outcome => outcome.Result));
        Assert.Equal(new[] { 0, 1 }, ExecutionLog.Of(key));
    }

    private const int HoldHandler = 0; // HoldingHandlers' only handler

    private async Task<PartitionGrainState> ReadStoredStateAsync(string grainKey)
    {
        var grainId = _fixture.Cluster.Client.GetGrain<IPartitionGrain>(grainKey).GetGrainId();
        var state = new GrainState<PartitionGrainState>(new PartitionGrainState());
        await new SharedMemoryGrainStorage(ClusterHandlers.StorageName, s_serializer).ReadStateAsync("partition", grainId, state);
        Assert.True(state.RecordExists, "the grain has no stored state");
        return state.State!;
    }
}
