using System.Collections.Concurrent;

namespace ExecutorGen.Tests.Shapes;

// Handler classes of every shape the generator supports, compiled by the real build (the generator runs on
// this project): the runtime tests next to this file run their executors.

public enum Tier { Bronze, Silver, Gold }

public abstract class RequestBase { public string UserId { get; set; } = ""; }

public sealed class ChargeRequest : RequestBase { public int Amount { get; init; } }

public sealed record DepositRequest(string UserId, int Amount);

public struct TouchRequest
{
    public string UserId;
    public int Sequence;
}

public readonly record struct CloseRequest(string UserId, string Reason);

public readonly record struct TenantKey(int Region, int Tenant);

/// <summary>Instance handlers over class, record, struct and record-struct requests, one string key space.</summary>
public sealed class Accounts
{
    public ConcurrentQueue<string> Log { get; } = new();

    [RequestHandler(PartitionBy = nameof(userId))]
    public Task Open(string userId, Tier tier)
    {
        Log.Enqueue($"{userId}:open:{tier}");
        return Task.CompletedTask;
    }

    [RequestHandler(PartitionBy = nameof(DepositRequest.UserId))]
    public int Deposit(DepositRequest request)
    {
        Log.Enqueue($"{request.UserId}:deposit:{request.Amount}");
        return request.Amount;
    }

    [RequestHandler(PartitionBy = nameof(ChargeRequest.UserId))]   // inherited from RequestBase
    public async Task<int> Charge(ChargeRequest request, CancellationToken cancellationToken)
    {
        await Task.Yield();
        Log.Enqueue($"{request.UserId}:charge:{request.Amount}");
        return -request.Amount;
    }

    [RequestHandler(PartitionBy = nameof(TouchRequest.UserId))]
    public void Touch(TouchRequest request) => Log.Enqueue($"{request.UserId}:touch:{request.Sequence}");

    [RequestHandler(PartitionBy = nameof(CloseRequest.UserId))]
    public ValueTask<string> Close(CloseRequest request)
    {
        Log.Enqueue($"{request.UserId}:close");
        return new ValueTask<string>(request.Reason);
    }
}

/// <summary>A static class: the executor takes no handler instance. Guid keys.</summary>
public static class Counters
{
    private static readonly ConcurrentDictionary<Guid, long> s_values = new();

    [RequestHandler(PartitionBy = nameof(id))]
    public static long Increment(Guid id, long by) => s_values.AddOrUpdate(id, by, (_, value) => value + by);

    [RequestHandler(PartitionBy = nameof(id))]
    public static ValueTask Reset(Guid id)
    {
        s_values.TryRemove(id, out _);
        return default;
    }
}

/// <summary>A record-struct key; the class is partial over two files (see ShapeHandlers.Tenants.cs).</summary>
public sealed partial class Tenants
{
    public ConcurrentQueue<string> Log { get; } = new();

    [RequestHandler(PartitionBy = nameof(key))]
    public void Provision(TenantKey key, int sequence) => Log.Enqueue($"{key.Region}/{key.Tenant}:provision:{sequence}");
}

/// <summary>Classes nested in a static partial class: enum and long keys, static and instance handlers mixed.</summary>
public static partial class Catalog
{
    internal sealed class ByTier
    {
        [RequestHandler(PartitionBy = nameof(tier))]
        public Tier Promote(Tier tier) => tier == Tier.Gold ? tier : tier + 1;

        [RequestHandler(PartitionBy = nameof(tier))]
        public static string Describe(Tier tier, int level) => $"{tier}/{level}";
    }

    public sealed record ById
    {
        [RequestHandler(PartitionBy = nameof(id))]
        public long Get(long id) => id * 2;
    }
}

/// <summary>A nullable key: every null key shares one lane.</summary>
public sealed class Nullables
{
    public ConcurrentQueue<string> Log { get; } = new();

#pragma warning disable EXG111 // the null key's shared lane is what these tests are about
    [RequestHandler(PartitionBy = nameof(userId))]
#pragma warning restore EXG111
    public async Task Visit(string? userId, int sequence)
    {
        if (sequence % 3 == 0)
            await Task.Yield();
        Log.Enqueue($"{userId ?? "null"}:{sequence}");
    }
}

public sealed record Customer(string Id, string Name);

public sealed record OrderRequest(Customer Customer, int Sequence);

/// <summary>Dotted PartitionBy paths: through the request's members, and through one of several parameters.</summary>
public sealed class Orders
{
    public ConcurrentQueue<string> Log { get; } = new();

    [RequestHandler(PartitionBy = "Customer.Id")]
    public async Task<int> Place(OrderRequest order)
    {
        if (order.Sequence % 4 == 0)
            await Task.Yield();
        Log.Enqueue($"{order.Customer.Id}:place:{order.Sequence}");
        return order.Sequence;
    }

    [RequestHandler(PartitionBy = "customer.Id")]
    public void Ship(Customer customer, int sequence) => Log.Enqueue($"{customer.Id}:ship:{sequence}");
}
