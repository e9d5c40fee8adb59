using ExecutorGen.Runtime;

namespace ExecutorGen.Coyote.Tests;

/// <summary>A request for the explored scenarios: an optional key, an id and an async body.</summary>
internal readonly record struct Job(string? Key, int Id, Func<CancellationToken, Task> Body);

internal readonly struct JobDispatcher : IRequestDispatcher<string, Job>
{
    public bool TryGetKey(in Job envelope, out string key)
    {
        key = envelope.Key!;
        return envelope.Key is not null;
    }

    public ValueTask DispatchAsync(in Job envelope, IRequestCompletion? completion, CancellationToken cancellationToken)
    {
        // Locals, not one expression: Coyote 1.7.11's rewriter emits invalid IL for a task-returning delegate
        // call on a field of an 'in' parameter whose result is passed straight on as an argument.
        var body = envelope.Body;
        Task task = body(cancellationToken);
        return Dispatch.Await(task, completion);
    }

    public string GetHandlerName(in Job envelope) => "Job";

    public object?[] GetArguments(in Job envelope) => new object?[] { envelope.Id };
}

internal static class Jobs
{
    public static ExecutorEngine<string, Job, JobDispatcher> Engine(ExecutorOptions options) => new(default, options, "Coyote.JobExecutor");

    public static Job Run(string? key, int id, Action body) => new(key, id, _ =>
    {
        body();
        return Task.CompletedTask;
    });

    /// <summary>The <paramref name="skip"/>-th key of a shard (PerKey) or partition (PerPartition) of <paramref name="shards"/>.</summary>
    public static string KeyOfShard(int shard, int shards, int skip = 0) =>
        Enumerable.Range(0, 500).Select(i => "key" + i).Where(k => PartitionHash.Bucket(k, shards) == shard).Skip(skip).First();
}
