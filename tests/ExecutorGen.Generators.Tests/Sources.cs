namespace ExecutorGen.Generators.Tests;

/// <summary>Handler classes the tests generate executors for.</summary>
internal static class Sources
{
    /// <summary>The README's example: ordered login, update and logout per user, plus an unordered audit.</summary>
    public const string SessionHandlers = """
        using System.Threading;
        using System.Threading.Tasks;
        using ExecutorGen;

        namespace Sample
        {
            public sealed class UpdateRequest
            {
                public UpdateRequest(string userId, string data) { UserId = userId; Data = data; }
                public string UserId { get; }
                public string Data { get; }
            }

            public class SessionHandlers
            {
                [RequestHandler(PartitionBy = "userId")]
                public Task Login(string userId) => Task.CompletedTask;

                [RequestHandler(PartitionBy = nameof(UpdateRequest.UserId))]
                public Task<int> Update(UpdateRequest request) => Task.FromResult(request.Data.Length);

                [RequestHandler(PartitionBy = "userId")]
                public ValueTask Logout(string userId, CancellationToken cancellationToken) => default;

                [RequestHandler]
                public void Audit(string message) { }
            }
        }
        """;

    /// <summary>One class per supported shape: static class, global namespace, nesting, every return type, a struct request with a member key.</summary>
    public const string Shapes = """
        using System.Threading;
        using System.Threading.Tasks;
        using ExecutorGen;

        public class GlobalHandlers
        {
            [RequestHandler]
            public void Ping() { }
        }

        namespace Shapes
        {
            public struct Order
            {
                public int CustomerId;
                public decimal Amount { get; set; }
            }

            public static class Pairs
            {
                [RequestHandler(PartitionBy = "a")]
                public static int Add(int a, int b) => a + b;

                [RequestHandler(PartitionBy = nameof(Order.CustomerId))]
                public static decimal Total(Order order) => order.Amount;
            }

            public class Returns
            {
                [RequestHandler] public void Void(string x) { }
                [RequestHandler] public Task TaskAsync(string x) => Task.CompletedTask;
                [RequestHandler] public ValueTask ValueTaskAsync(string x) => default;
                [RequestHandler] public long Value(string x) => x.Length;
                [RequestHandler] public Task<string> TaskOfT(string x, CancellationToken token) => Task.FromResult(x);
                [RequestHandler] public ValueTask<string[]> ValueTaskOfT(string x) => new ValueTask<string[]>(new[] { x });
                [RequestHandler] public static int Static() => 42;
            }

            public partial class Outer
            {
                internal partial struct Middle
                {
                    private sealed class Inner
                    {
                        [RequestHandler(PartitionBy = "cancellationToken")]
                        internal Task Work(string cancellationToken, CancellationToken token) => Task.CompletedTask;

                        [RequestHandler(PartitionBy = "Envelope")]
                        public int Odd(string Envelope, int @class, int Handler) => @class;
                    }
                }
            }

            public partial class Generic<T>
            {
                public class Inner
                {
                    [RequestHandler]
                    public T Echo(T value) => value;
                }
            }

            public sealed record Entry(string Account, decimal Amount);

            public class Ledger
            {
                [RequestHandler(PartitionBy = nameof(Entry.Account), MaxBatchSize = 64)]
                public Task Post(System.Collections.Generic.IReadOnlyList<Entry> entries, CancellationToken cancellationToken) => Task.CompletedTask;

                [RequestHandler(PartitionBy = nameof(account))]
                public void Close(string account) { }

                [RequestHandler(MaxBatchSize = 8)]
                public void Audit(System.Collections.Generic.IReadOnlyList<string> lines) { }
            }
        }
        """;

    /// <summary>
    /// The shapes of issue 4 in one file-scoped namespace: class, record, struct and record-struct requests
    /// (inherited members too), instance and static handlers, a partial class, classes nested in a static
    /// class, and keys of type string, long, Guid, an enum and a record struct.
    /// </summary>
    public const string AllShapes = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using ExecutorGen;

        namespace AllShapes;

        public enum Tier { Bronze, Silver, Gold }

        public abstract class RequestBase { public string UserId { get; set; } = ""; }
        public sealed class ChargeRequest : RequestBase { public int Amount { get; set; } }
        public sealed record DepositRequest(string UserId, int Amount);
        public struct TouchRequest { public string UserId; public int Count; }
        public readonly record struct CloseRequest(string UserId, string Reason);
        public readonly record struct TenantKey(int Region, int Tenant);

        /// <summary>Instance handlers; one string key space over every kind of request.</summary>
        public sealed class Accounts
        {
            [RequestHandler(PartitionBy = "userId")]
            public Task Open(string userId, Tier tier) => Task.CompletedTask;

            [RequestHandler(PartitionBy = nameof(DepositRequest.UserId))]
            public int Deposit(DepositRequest request) => request.Amount;

            [RequestHandler(PartitionBy = nameof(ChargeRequest.UserId))]
            public Task<int> Charge(ChargeRequest request, CancellationToken cancellationToken) => Task.FromResult(-request.Amount);

            [RequestHandler(PartitionBy = nameof(TouchRequest.UserId))]
            public void Touch(TouchRequest request) { }

            [RequestHandler(PartitionBy = nameof(CloseRequest.UserId))]
            public ValueTask<string> Close(CloseRequest request) => new ValueTask<string>(request.Reason);

            [RequestHandler]
            public void Audit(string message) { }
        }

        /// <summary>A static class: static handlers, a Guid key.</summary>
        public static class Counters
        {
            [RequestHandler(PartitionBy = "id")]
            public static long Increment(Guid id, long by) => by;

            [RequestHandler(PartitionBy = "id")]
            public static ValueTask Reset(Guid id) => default;
        }

        /// <summary>A partial class; a record-struct key.</summary>
        public partial class Tenants
        {
            [RequestHandler(PartitionBy = "key")]
            public void Provision(TenantKey key) { }
        }

        public partial class Tenants
        {
            [RequestHandler(PartitionBy = "key")]
            public Task Retire(TenantKey key, string reason) => Task.CompletedTask;
        }

        public sealed record Customer(string Id, string Name);
        public sealed record OrderRequest(Customer Customer, int Sequence);
        public struct ShipRequest { public Customer Customer; public int Weight; }

        /// <summary>Dotted PartitionBy paths through a request member, and through one of several parameters.</summary>
        public sealed class Orders
        {
            [RequestHandler(PartitionBy = "Customer.Id")]
            public int Place(OrderRequest order) => order.Sequence;

            [RequestHandler(PartitionBy = "ship.Customer.Id")]
            public Task Ship(ShipRequest ship, int priority) => Task.CompletedTask;

            [RequestHandler(PartitionBy = "customerId")]
            public void Cancel(string customerId) { }
        }

        /// <summary>Nested in a static partial class; enum and long keys; mixed static and instance handlers.</summary>
        public static partial class Catalog
        {
            internal sealed class ByTier
            {
                [RequestHandler(PartitionBy = "tier")]
                public Tier Promote(Tier tier) => tier == Tier.Gold ? tier : tier + 1;

                [RequestHandler(PartitionBy = "tier")]
                public static string Describe(Tier tier, int level) => tier + "/" + level;
            }

            public sealed record ById
            {
                [RequestHandler(PartitionBy = "id")]
                public long Get(long id) => id;
            }
        }
        """;
}
