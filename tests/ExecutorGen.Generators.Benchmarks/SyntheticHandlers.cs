namespace ExecutorGen.Generators.Benchmarks;

/// <summary>
/// The synthetic project the analyzer cost is measured on: handler classes with worker code in them (a handler
/// with a lock, a dictionary, Interlocked and a hash; a started thread with a volatile stop flag and a try/catch).
/// Correct code: the concurrency rules must report nothing on it. Linked into the analyzer tests.
/// </summary>
public static class SyntheticHandlers
{
    /// <summary>Handler classes in the measured project.</summary>
    public const int Classes = 2000;

    /// <summary>The source of handler class <paramref name="i"/>.</summary>
    public static string Source(int i) => $$"""
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using ExecutorGen;

        namespace Bench{{i % 20}};

        public sealed class Handler{{i}}
        {
            private readonly object _sync = new();
            private readonly Dictionary<string, int> _counts = new();
            private volatile bool _stopping;
            private int _total;

            [RequestHandler(PartitionBy = nameof(userId))]
            public async Task<int> Login(string userId, CancellationToken cancellationToken)
            {
                await Task.Delay(0, cancellationToken);
                lock (_sync)
                {
                    _counts[userId] = _counts.TryGetValue(userId, out int n) ? n + 1 : 1;
                }
                Interlocked.Increment(ref _total);
                return (int)((uint)userId.GetHashCode() % 16u);
            }

            public void Start()
            {
                var t = new Thread(Run) { IsBackground = true };
                t.Start();
            }

            public void Stop() => _stopping = true;

            private void Run()
            {
                try
                {
                    while (!_stopping)
                        Thread.Sleep(10);
                }
                catch (Exception ex)
                {
                    Console.Error.WriteLine(ex);
                }
            }
        }
        """;
}
