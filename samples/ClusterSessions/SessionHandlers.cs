using ExecutorGen;
using Orleans;

namespace ClusterSessions;

// Requests cross the network, so their types must be serializable by Orleans: [GenerateSerializer] records (or
// primitives and strings, as Login's userId).

/// <summary>An update to a user's session.</summary>
[GenerateSerializer, Immutable]
public sealed record UpdateRequest([property: Id(0)] string UserId, [property: Id(1)] int Sequence, [property: Id(2)] string Change);

/// <summary>The end of a user's session.</summary>
[GenerateSerializer, Immutable]
public sealed record LogoutRequest([property: Id(0)] string UserId);

/// <summary>
/// The same plain handlers as samples/UserSessions. The generator emits both <c>SessionHandlersExecutor</c> (in-process)
/// and, because this project references ExecutorGen.Orleans, <c>SessionHandlersClusterExecutor</c> with the same members.
/// </summary>
public sealed class SessionHandlers
{
    private readonly SessionHistory _history;

    public SessionHandlers(SessionHistory history) => _history = history;

    [RequestHandler(PartitionBy = nameof(userId))]
    public Task Login(string userId)
    {
        _history.Add(userId, "login");
        return Task.CompletedTask;
    }

    [RequestHandler(PartitionBy = nameof(UpdateRequest.UserId))]
    public int Update(UpdateRequest request) => _history.Add(request.UserId, "update " + request.Sequence);

    [RequestHandler(PartitionBy = nameof(LogoutRequest.UserId))]
    public void Logout(LogoutRequest request) => _history.Add(request.UserId, "logout");
}
