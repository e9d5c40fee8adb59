using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using ExecutorGen.Tests;
using Npgsql;
using Orleans.Runtime;
using Orleans.TestingHost;
using Xunit;
using Xunit.Abstractions;

namespace ExecutorGen.Orleans.Tests;

/// <summary>
/// The marks in PostgreSQL through Orleans' own ADO.NET grain storage, registered as docs/orleans.md shows
/// (<c>AddAdoNetGrainStorage(ClusterHandlers.StorageName, …)</c>, invariant "Npgsql"), on a throwaway server with
/// Orleans' published scripts applied. Each test has a database of its own.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStorageTests
{
    private readonly PostgresServer _server;
    private readonly ITestOutputHelper _output;

    public PostgresStorageTests(PostgresServer server, ITestOutputHelper output)
    {
        _server = server;
        _output = output;
    }

    [Fact]
    public async Task The_cluster_executor_runs_each_key_in_order_and_writes_every_mark_to_PostgreSQL()
    {
        const int requestsPerKey = 20;
        string database = await NewDatabaseAsync();
        await using var cluster = await TestClusters.StartWithPostgresStorageAsync(silos: 2, database);

        var (metrics, keys) = await RunWorkloadAsync(cluster, keyCount: 50, requestsPerKey, capacity: 1_000, onSubmitted: null);

        foreach (var key in keys)
            Assert.Equal(Expected(requestsPerKey), ExecutionLog.Of(key));
        Assert.Equal(keys.Length * requestsPerKey, metrics.Completed);
        // One row per partition grain, written once per grain call: the first write inserts version 1, each later one
        // adds one. (A call carries one or more of the key's requests: see ClusterExecutorOptions.MaxBatchSize.)
        var versions = await MarkVersionsAsync(database);
        foreach (var key in keys)
            Assert.InRange(versions[GrainKey(key)], 1, requestsPerKey);
        Assert.Equal(metrics.Batches, keys.Sum(key => (long)versions[GrainKey(key)]));
    }

    [Fact]
    public async Task Durable_SubmitAsync_returns_only_after_its_store_was_written_to_PostgreSQL()
    {
        const int requests = 10;
        string database = await NewDatabaseAsync();
        await using var cluster = await TestClusters.StartWithPostgresStorageAsync(silos: 1, database);
        await using var executor = new RecordingHandlersClusterExecutor(cluster.Client, new ClusterExecutorOptions { Durable = true });
        string key = Guid.NewGuid().ToString("N");
        int previous = 0;
        for (int i = 0; i < requests; i++)
        {
            await executor.SubmitAsync(new StepRequest(key, i));
            // The grain's row has been written since the previous SubmitAsync returned: at least this request's store.
            var versions = await MarkVersionsAsync(database);
            Assert.True(versions.TryGetValue(GrainKey(key), out int version) && version > previous, $"no write of the grain's row before SubmitAsync of request {i} returned");
            previous = version;
        }
        await executor.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(0, requests), ExecutionLog.Of(key));
    }

    [Fact]
    public async Task A_silo_killed_mid_stream_with_marks_in_PostgreSQL_loses_nothing_and_keeps_each_key_in_order()
    {
        const int requestsPerKey = 20;
        const int keyCount = 200;
        const int total = keyCount * requestsPerKey;
        string database = await NewDatabaseAsync();
        await using var cluster = await TestClusters.StartWithPostgresStorageAsync(silos: 3, database);
        Task? kill = null;
        // A capacity far below the total keeps submission in step with execution, so the silo dies with requests at it.
        var (metrics, keys) = await RunWorkloadAsync(cluster, keyCount, requestsPerKey, capacity: 400, onSubmitted: submitted =>
        {
            if (submitted == total / 3)
                kill = cluster.KillSiloAsync(cluster.SecondarySilos[0]);
        });
        await kill!;

        Assert.Equal(total, metrics.Completed);
        Assert.Equal(0, metrics.DeadLettered);
        Assert.True(metrics.Retried > 0, "no call failed: the silo was not taken down while requests were in flight");
        // Every request ran, in order. Requests may have run twice only in the window the guarantee leaves open (their
        // silo died after the handlers of a call ran and before the call's mark was written): then the call's redelivery
        // ran them again at once, so the key's log goes back once, to the first of them, by at most a call's size, and
        // carries on; never more often than calls were redelivered.
        int repeated = 0;
        foreach (var key in keys)
            repeated += RepeatedRequests(key, ExecutionLog.Of(key), Expected(requestsPerKey));
        Assert.True(repeated <= metrics.Retried * new ClusterExecutorOptions().MaxBatchSize,
            $"{repeated} requests ran twice, more than {metrics.Retried} redelivered calls can carry");
        _output.WriteLine($"requests run twice (killed between a call's handlers and its mark write): {repeated}");
    }

    [Fact]
    public async Task A_redelivery_after_its_silo_died_is_answered_from_the_mark_in_PostgreSQL()
    {
        string database = await NewDatabaseAsync();
        await using var cluster = await TestClusters.StartWithPostgresStorageAsync(silos: 3, database);
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        // A request runs on a secondary silo (the primary holds the test cluster's membership), which dies before its
        // reply could leave; the client sends the request again. Orleans places a new key's grain where it likes, so
        // keys are tried until one lands on a secondary.
        for (int attempt = 1; ; attempt++)
        {
            string key = Guid.NewGuid().ToString("N");
            var grain = GrainCalls.RecordingGrain(cluster.Client, key);
            var step = GrainCalls.Step(Guid.NewGuid(), key, sequence: 1, index: 0);
            Assert.False((await grain.ExecuteAsync(step)).Replayed);
            var host = await management.GetActivationAddress(grain);
            var silo = cluster.SecondarySilos.FirstOrDefault(secondary => secondary.SiloAddress.Equals(host));
            if (silo is null)
            {
                Assert.True(attempt < 30, "no grain was placed on a secondary silo");
                continue;
            }

            await cluster.KillSiloAsync(silo);
            var redelivered = await RedeliverAsync(grain, step);
            Assert.True(redelivered.Replayed);
            Assert.Equal(1, redelivered.Result);
            Assert.Equal(new[] { 0 }, ExecutionLog.Of(key));
            Assert.NotEqual(host, await management.GetActivationAddress(grain));
            return;
        }
    }

    [Fact]
    public async Task A_mark_the_database_refused_to_store_is_redelivered_and_stored_before_the_reply_leaves()
    {
        string database = await NewDatabaseAsync();
        // Without Npgsql's exceptions made serializable: the grain alone must turn a failed write into a redelivery.
        await using var cluster = await TestClusters.StartWithPostgresStorageAsync(silos: 1, database, npgsqlExceptionsTravel: false);
        var deadLetters = new ListSink();
        await using var executor = new RecordingHandlersClusterExecutor(cluster.Client, new ClusterExecutorOptions
        {
            RedeliveryDelay = TimeSpan.FromMilliseconds(50),
            DeadLetters = deadLetters,
        });
        string key = Guid.NewGuid().ToString("N");
        Assert.Equal(1, await executor.InvokeStepAsync(new StepRequest(key, 0)));

        // The grain is active with its state read; now its writes fail inside the database (Npgsql's exception).
        await ExecuteAsync(database, "ALTER TABLE orleansstorage RENAME TO orleansstorage_away");
        var second = executor.InvokeStepAsync(new StepRequest(key, 1));
        await WaitForRedeliveriesAsync(executor, deadLetters, 2);
        await ExecuteAsync(database, "ALTER TABLE orleansstorage_away RENAME TO orleansstorage");

        // The handler ran once; redeliveries were answered from the mark in memory only once it was stored.
        Assert.Equal(2, await second.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(new[] { 0, 1 }, ExecutionLog.Of(key));
        Assert.Equal(2, (await MarkVersionsAsync(database))[GrainKey(key)]);
        Assert.Empty(deadLetters.Letters);
    }

    [Fact]
    public async Task A_grain_whose_state_cannot_be_read_is_redelivered_until_the_database_answers()
    {
        string database = await NewDatabaseAsync();
        await using var cluster = await TestClusters.StartWithPostgresStorageAsync(silos: 1, database);
        var deadLetters = new ListSink();
        await using var executor = new RecordingHandlersClusterExecutor(cluster.Client, new ClusterExecutorOptions
        {
            RedeliveryDelay = TimeSpan.FromMilliseconds(50),
            DeadLetters = deadLetters,
        });
        string key = Guid.NewGuid().ToString("N");

        // The grain's activation reads its state and fails inside the database: Orleans reports Npgsql's exception.
        await ExecuteAsync(database, "ALTER TABLE orleansstorage RENAME TO orleansstorage_away");
        var first = executor.InvokeStepAsync(new StepRequest(key, 0));
        await WaitForRedeliveriesAsync(executor, deadLetters, 2);
        await ExecuteAsync(database, "ALTER TABLE orleansstorage_away RENAME TO orleansstorage");

        Assert.Equal(1, await first.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(new[] { 0 }, ExecutionLog.Of(key));
        Assert.Empty(deadLetters.Letters);
    }

    [Fact]
    public async Task Marks_survive_a_cluster_restart_and_answer_a_replayed_request()
    {
        string database = await NewDatabaseAsync();
        string key = Guid.NewGuid().ToString("N");
        var grainKey = GrainKey(key);
        var step = GrainCalls.Step(Guid.NewGuid(), key, sequence: 7, index: 0);

        await using (var first = await TestClusters.StartWithPostgresStorageAsync(silos: 1, database))
        {
            var reply = await first.Client.GetGrain<IPartitionGrain>(grainKey).ExecuteAsync(step);
            Assert.False(reply.Replayed);
            Assert.Equal(1, reply.Result);
        }
        Assert.Equal(1, (await MarkVersionsAsync(database))[grainKey]);

        // A new cluster on the same database: the grain's state can only come from PostgreSQL.
        await using var second = await TestClusters.StartWithPostgresStorageAsync(silos: 1, database);
        var grain = second.Client.GetGrain<IPartitionGrain>(grainKey);
        var replayed = await grain.ExecuteAsync(step);
        Assert.True(replayed.Replayed);
        Assert.Equal(1, replayed.Result);
        Assert.True((await grain.ExecuteAsync(step with { Sequence = 3 })).Replayed);
        var next = await grain.ExecuteAsync(step with { Sequence = 8, Arguments = new object?[] { new StepRequest(key, 1) } });
        Assert.False(next.Replayed);
        Assert.Equal(new[] { 0, 1 }, ExecutionLog.Of(key));
    }

    /// <summary>
    /// Checks a key's log against the guarantee (the sample's <c>RepeatCheck</c>, which its own tests pin down): its
    /// expected sequence, except that it may go back once to rerun the requests of one call; returns how many reran.
    /// </summary>
    private static int RepeatedRequests(string key, IReadOnlyList<int> executions, List<int> expected)
    {
        var (repeated, problem) = ClusterSessions.RepeatCheck.Check(
            executions.Select(Text).ToList(), expected.Select(Text).ToList(), new ClusterExecutorOptions().MaxBatchSize);
        Assert.True(problem is null, $"key {key}: {problem}: {string.Join(",", executions)}");
        return repeated;

        static string Text(int entry) => entry.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Sends a request again until a call gets through, as the cluster executor does after a silo failure.</summary>
    private static async Task<ClusterReply> RedeliverAsync(IPartitionGrain grain, ClusterRequest request)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await grain.ExecuteAsync(request);
            }
            catch (Exception) when (clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(100);
            }
        }
    }

    private async Task<string> NewDatabaseAsync()
    {
        string connectionString = await _server.CreateDatabaseAsync();
        await OrleansAdoNetSchema.ApplyAsync(connectionString);
        return connectionString;
    }

    private static string GrainKey(string key) => ClusterKeys.GrainKey(RecordingHandlersClusterExecutor.ExecutorName, key, null);

    private static List<int> Expected(int requestsPerKey) => new[] { -1 }.Concat(Enumerable.Range(0, requestsPerKey - 1)).ToList();

    private static async Task WaitForRedeliveriesAsync(RecordingHandlersClusterExecutor executor, ListSink deadLetters, int redeliveries)
    {
        var clock = Stopwatch.StartNew();
        while (executor.GetMetrics().Retried < redeliveries && deadLetters.Letters.IsEmpty && clock.Elapsed < TimeSpan.FromSeconds(20))
            await Task.Delay(20);
        Assert.True(deadLetters.Letters.IsEmpty, "dead letters: " + string.Join("\n", deadLetters.Letters.Select(letter => letter.Exception)));
        Assert.True(executor.GetMetrics().Retried >= redeliveries, $"redelivered {executor.GetMetrics().Retried} times");
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The version of every stored grain state, by grain key (string keys are stored in grainidextensionstring).</summary>
    private static async Task<Dictionary<string, int>> MarkVersionsAsync(string connectionString)
    {
        var versions = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT grainidextensionstring, version FROM orleansstorage WHERE payloadbinary IS NOT NULL", connection);
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            versions.Add(reader.GetString(0), reader.GetInt32(1));
        return versions;
    }

    private async Task<(ExecutorMetrics Metrics, string[] Keys)> RunWorkloadAsync(TestCluster cluster, int keyCount, int requestsPerKey, int capacity, Action<int>? onSubmitted)
    {
        string run = Guid.NewGuid().ToString("N").Substring(0, 8);
        var keys = Enumerable.Range(0, keyCount).Select(k => $"{run}-{k}").ToArray();
        var deadLetters = new ListSink();
        var executor = new RecordingHandlersClusterExecutor(cluster.Client, new ClusterExecutorOptions { Capacity = capacity, DeadLetters = deadLetters });
        var clock = Stopwatch.StartNew();
        int submitted = 0;
        for (int round = 0; round < requestsPerKey; round++)
        {
            foreach (var key in keys)
            {
                if (round == 0)
                    await executor.SubmitAsync(new OpenRequest(key));
                else
                    await executor.SubmitAsync(new StepRequest(key, round - 1));
                submitted++;
                onSubmitted?.Invoke(submitted);
            }
        }
        var report = await executor.ShutdownAsync(ShutdownMode.Drain);
        var metrics = executor.GetMetrics();
        Assert.Empty(report.Unprocessed);
        Assert.False(report.TimedOut);
        Assert.Equal(submitted, metrics.Submitted);
        Assert.True(deadLetters.Letters.IsEmpty, "dead letters: " + string.Join("\n", deadLetters.Letters.Take(3).Select(letter => letter.Exception)));
        _output.WriteLine($"{submitted:N0} requests in {clock.Elapsed.TotalSeconds:F1} s; redelivered {metrics.Retried:N0}, " +
            $"answered from marks {executor.Replayed:N0}; round trip p50 {metrics.ProcessingTime.P50.TotalMilliseconds:F1} ms, max {metrics.ProcessingTime.Max.TotalMilliseconds:F0} ms");
        return (metrics, keys);
    }
}
