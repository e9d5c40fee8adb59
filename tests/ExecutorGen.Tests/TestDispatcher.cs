using ExecutorGen.Runtime;

namespace ExecutorGen.Tests;

/// <summary>A request for engine tests: an optional key, an id, and the body to run.</summary>
internal readonly record struct Work(string? Key, int Id, Func<Work, CancellationToken, ValueTask<int>> Body);

/// <summary>A hand-written dispatcher shaped like the generated ones, so the engine can be tested alone.</summary>
internal readonly struct WorkDispatcher : IRequestDispatcher<string, Work>
{
    public bool TryGetKey(in Work envelope, out string key)
    {
        key = envelope.Key!;
        return envelope.Key is not null;
    }

    public ValueTask DispatchAsync(in Work envelope, IRequestCompletion? completion, CancellationToken cancellationToken) =>
        Dispatch.Await(envelope.Body(envelope, cancellationToken), completion);

    public string GetHandlerName(in Work envelope) => "Work";

    public object?[] GetArguments(in Work envelope) => new object?[] { envelope.Id };
}

internal static class Engines
{
    public static ExecutorEngine<string, Work, WorkDispatcher> Create(ExecutorOptions? options = null) =>
        new(default, options, "Tests.WorkExecutor");

    public static Work Work(string? key, int id, Func<Work, CancellationToken, ValueTask<int>> body) => new(key, id, body);

    public static Work Work(string? key, int id, Action body) =>
        new(key, id, (w, _) => { body(); return new ValueTask<int>(w.Id); });
}
