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
        }
        """;
}
