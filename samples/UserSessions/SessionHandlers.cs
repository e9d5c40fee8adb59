using System.Collections.Concurrent;
using ExecutorGen;

namespace UserSessions;

/// <summary>An update to a user's session.</summary>
public sealed record UpdateRequest(string UserId, int Sequence, string Change);

/// <summary>The end of a user's session.</summary>
// Its own type, not a bare string: handlers with the same parameter types would get colliding overloads.
public readonly record struct LogoutRequest(string UserId);

/// <summary>
/// Plain handler methods. The generator turns this class into <c>SessionHandlersExecutor</c>; all three
/// handlers share one key space, so one user's login, updates and logout run in that order.
/// </summary>
public sealed class SessionHandlers
{
    // Each user's list is touched only by that user's requests, which never run at the same time.
    private readonly ConcurrentDictionary<string, List<string>> _history = new();

    /// <summary>What each user's requests did, in the order they ran.</summary>
    public IReadOnlyDictionary<string, List<string>> History => _history;

    [RequestHandler(PartitionBy = nameof(userId))]
    public async Task Login(string userId, CancellationToken cancellationToken)
    {
        await SimulateIoAsync(cancellationToken);
        _history.GetOrAdd(userId, _ => new List<string>()).Add("login");
    }

    [RequestHandler(PartitionBy = nameof(UpdateRequest.UserId))]
    public async Task<int> Update(UpdateRequest request, CancellationToken cancellationToken)
    {
        await SimulateIoAsync(cancellationToken);
        var history = _history.GetOrAdd(request.UserId, _ => new List<string>());
        history.Add("update " + request.Sequence);
        return history.Count;
    }

    [RequestHandler(PartitionBy = nameof(LogoutRequest.UserId))]
    public void Logout(LogoutRequest request) => _history.GetOrAdd(request.UserId, _ => new List<string>()).Add("logout");

    private static Task SimulateIoAsync(CancellationToken cancellationToken) =>
        Random.Shared.Next(4) == 0 ? Task.Delay(1, cancellationToken) : Task.CompletedTask;
}
