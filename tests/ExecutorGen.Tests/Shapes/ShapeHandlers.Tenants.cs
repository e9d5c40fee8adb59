namespace ExecutorGen.Tests.Shapes
{
    // The second part of a partial handler class, in a block-scoped namespace in another file.
    public sealed partial class Tenants
    {
        [RequestHandler(PartitionBy = nameof(key))]
        public Task Retire(TenantKey key, string reason)
        {
            Log.Enqueue($"{key.Region}/{key.Tenant}:retire:{reason}");
            return Task.CompletedTask;
        }
    }

    namespace Nested.Deeper
    {
        /// <summary>A handler class in a nested namespace; int keys.</summary>
        public sealed class Pings
        {
            [RequestHandler(PartitionBy = nameof(id))]
            public int Ping(int id) => id + 1;
        }
    }
}
