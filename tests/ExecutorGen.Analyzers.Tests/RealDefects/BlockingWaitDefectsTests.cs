using System.Threading.Tasks;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.BlockingWaitTest;

namespace ExecutorGen.Analyzers.Tests.RealDefects;

/// <summary>EXG004: blocking waits in real worker code (reduced models, no third-party code).</summary>
public class BlockingWaitDefectsTests
{
    // Defect 08. microsoft/ApplicationInsights-dotnet, fix be9cb0dfd5ffad19d8a8ac912c0738e3545ab8e9 (parent bd0368b1),
    // src/Microsoft.ApplicationInsights/Metrics/Implementation/DefaultAggregationPeriodCycle.cs: before 142
    // `Task.Delay(waitPeriod).ConfigureAwait(false).GetAwaiter().GetResult();` in Run(), which runs on the thread pool
    // through `Task.Run(this.workerMethod)` (55) where workerMethod = this.Run (32); after 129 `async Task Run()` and 138
    // `await Task.Delay(waitPeriod)`. Same type; the entry point goes through a delegate field.
    private const string CycleBefore = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        internal sealed class AggregationCycle
        {
            private const int Running = 1;
            private readonly Action _workerMethod;
            private Task _workerTask;
            private int _runningState;

            public AggregationCycle() => _workerMethod = Run;

            public bool Start()
            {
                if (Interlocked.CompareExchange(ref _runningState, Running, 0) != 0)
                    return false;

                _workerTask = Task.Run(_workerMethod)
                    .ContinueWith(t => { _workerTask = null; }, TaskContinuationOptions.ExecuteSynchronously);
                return true;
            }

            private void Run()
            {
                while (true)
                {
                    DateTimeOffset now = DateTimeOffset.Now;
                    TimeSpan waitPeriod = NextCycleTarget(now) - now;

                    {|EXG004:Task.Delay(waitPeriod).ConfigureAwait(continueOnCapturedContext: false).GetAwaiter().GetResult()|};

                    if (Volatile.Read(ref _runningState) != Running)
                        return;

                    CompleteCycle();
                }
            }

            private static DateTimeOffset NextCycleTarget(DateTimeOffset now) => now.AddMinutes(1).AddSeconds(-now.Second);

            private static void CompleteCycle() { }
        }
        """;

    private const string CycleAfter = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        internal sealed class AggregationCycle
        {
            private const int Running = 1;
            private Task _workerTask;
            private int _runningState;

            public bool Start()
            {
                if (Interlocked.CompareExchange(ref _runningState, Running, 0) != 0)
                    return false;

                _workerTask = Run();
                return true;
            }

            private async Task Run()
            {
                while (true)
                {
                    DateTimeOffset now = DateTimeOffset.Now;
                    TimeSpan waitPeriod = NextCycleTarget(now) - now;

                    await Task.Delay(waitPeriod).ConfigureAwait(continueOnCapturedContext: false);

                    if (Volatile.Read(ref _runningState) != Running)
                        return;

                    CompleteCycle();
                }
            }

            private static DateTimeOffset NextCycleTarget(DateTimeOffset now) => now.AddMinutes(1).AddSeconds(-now.Second);

            private static void CompleteCycle() { }
        }
        """;

    [Fact]
    public Task Aggregation_cycle_blocking_a_pool_thread_on_a_delay_before_is_flagged() =>
        new Test(CycleBefore).RunAsync();

    [Fact]
    public Task Aggregation_cycle_blocking_a_pool_thread_on_a_delay_after_is_silent() =>
        new Test(CycleAfter).RunAsync();

    // Defect 16. asynkron/protoactor-dotnet, fix a050060e8073f0892facbbfda077dbb02de0bbc0 (parent c916732c),
    // src/Proto.Cluster.Identity.MongoDb/ConnectionThrottlingPipeline.cs: before 24 and 39
    // `openConnectionSemaphore.WaitOne();` (a System.Threading.Semaphore, no timeout) at the top of the static async
    // AddRequest; after: a SemaphoreSlim and `await openConnectionSemaphore.WaitAsync();`.
    // Cross-type: the wait is in a static helper reached from the identity storage
    // (src/Proto.Cluster.Identity.MongoDb/MongoIdentityStorage.cs 91, 160, 170, 193), whose lookups run on pool threads;
    // those concurrent lookups are modelled as one task per key.
    private const string ThrottleBefore = """
        using System.Threading;
        using System.Threading.Tasks;

        public static class ConnectionThrottle
        {
            private static Semaphore s_openConnections;

            public static void Initialize(int maxPoolSize) =>
                s_openConnections = new Semaphore(maxPoolSize, maxPoolSize * 10);

            public static async Task<T> AddRequest<T>(Task<T> request)
            {
                {|EXG004:s_openConnections.WaitOne()|};
                try
                {
                    return await request;
                }
                finally
                {
                    s_openConnections.Release();
                }
            }
        }
        """;

    private const string ThrottleAfter = """
        using System.Threading;
        using System.Threading.Tasks;

        public static class ConnectionThrottle
        {
            private static SemaphoreSlim s_openConnections;

            public static void Initialize(int maxPoolSize) =>
                s_openConnections = new SemaphoreSlim(maxPoolSize, maxPoolSize * 10);

            public static async Task<T> AddRequest<T>(Task<T> request)
            {
                await s_openConnections.WaitAsync();
                try
                {
                    return await request;
                }
                finally
                {
                    s_openConnections.Release();
                }
            }
        }
        """;

    private const string Storage = """
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public interface IDocumentCollection
        {
            Task<string> FindAsync(string key);
        }

        public sealed class IdentityStorage
        {
            private readonly IDocumentCollection _pids;

            public IdentityStorage(IDocumentCollection pids) => _pids = pids;

            public Task<string> TryGetExisting(string key) => ConnectionThrottle.AddRequest(_pids.FindAsync(key));
        }

        public sealed class IdentityLookup
        {
            private readonly IdentityStorage _storage;

            public IdentityLookup(IdentityStorage storage) => _storage = storage;

            public Task<string>[] ResolveAll(IEnumerable<string> keys)
            {
                var lookups = new List<Task<string>>();
                foreach (var key in keys)
                    lookups.Add(Task.Run(() => _storage.TryGetExisting(key)));
                return lookups.ToArray();
            }
        }
        """;

    [Fact]
    public Task Connection_throttle_blocking_on_a_semaphore_handle_before_is_flagged() =>
        new Test(ThrottleBefore).RunWith(Storage);

    [Fact]
    public Task Connection_throttle_blocking_on_a_semaphore_handle_after_is_silent() =>
        new Test(ThrottleAfter).RunWith(Storage);
}
