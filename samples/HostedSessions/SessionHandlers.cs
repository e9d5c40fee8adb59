using System.Collections.Concurrent;
using ExecutorGen;

namespace HostedSessions;

/// <summary>An update to a user's session.</summary>
public sealed record UpdateRequest(string UserId, int Sequence);

/// <summary>The end of a user's session.</summary>
public readonly record struct LogoutRequest(string UserId);

/// <summary>
/// The generator turns this class into <c>SessionHandlersExecutor</c> and, because the project references
/// ExecutorGen.Hosting, also emits <c>services.AddSessionHandlersExecutor()</c>.
/// </summary>
public sealed class SessionHandlers
{
    private readonly ConcurrentDictionary<string, List<string>> _history = new();

    /// <summary>What each user's requests did, in the order they ran.</summary>
    public IReadOnlyDictionary<string, List<string>> History => _history;

    [RequestHandler(PartitionBy = nameof(userId))]
    public async Task Login(string userId, CancellationToken cancellationToken)
    {
        await Task.Delay(Random.Shared.Next(2), cancellationToken);
        _history.GetOrAdd(userId, _ => new List<string>()).Add("login");
    }

    [RequestHandler(PartitionBy = nameof(UpdateRequest.UserId))]
    public void Update(UpdateRequest request) =>
        _history.GetOrAdd(request.UserId, _ => new List<string>()).Add("update " + request.Sequence);

    [RequestHandler(PartitionBy = nameof(LogoutRequest.UserId))]
    public void Logout(LogoutRequest request) => _history.GetOrAdd(request.UserId, _ => new List<string>()).Add("logout");
}
