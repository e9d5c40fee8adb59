using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using FixTest = ExecutorGen.Analyzers.Tests.SharedStateFixTest;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

public class SharedStateTests
{
    private static string Handlers(string members) => $$"""
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Collections.Immutable;
        using System.Threading;
        using System.Threading.Tasks;
        using ExecutorGen;

        class Sessions
        {
            private readonly object _sync = new();
            private readonly SemaphoreSlim _gate = new(1);
            private readonly List<string> _log = new();
            private readonly Dictionary<string, int> _counts = new();
            private readonly ConcurrentDictionary<string, int> _safe = new();
            private readonly Dictionary<string, Session> _sessions = new();
            private ImmutableList<string> _snapshot = ImmutableList<string>.Empty;
            private int _total;
            private long _bytes;

        {{members}}
        }

        class Session { public int Requests; public List<string> Items { get; } = new(); }
        """;

    private static Task Verify(string members) => new Test(Handlers(members)).RunAsync();

    private const string Counter = """
        using System.Collections.Generic;
        using System.Threading;

        static class Program
        {
            private static int counter;
            private static readonly object counterLock = new object();

            private static void Increment()
            {
                for (int i = 0; i < 100000; i++)
                {
        BODY
                }
            }

            public static int Main()
            {
                var threads = new List<Thread>();
                for (int i = 0; i < 10; i++)
                    threads.Add(new Thread(Increment));
                foreach (var t in threads) t.Start();
                foreach (var t in threads) t.Join();
                return counter;
            }
        }
        """;

    // Must flag.

    [Fact]
    public Task Seed_shared_counter_without_the_lock() =>
        new Test(Counter.Replace("BODY", "            {|EXG001:counter += 1|};")).RunAsync();

    [Fact]
    public Task Handler_fields_increments_and_collections() => Verify("""
            [RequestHandler(PartitionBy = nameof(userId))]
            public void Login(string userId)
            {
                {|EXG001:_total++|};
                {|EXG001:_bytes += userId.Length|};
                {|EXG001:_log.Add(userId)|};
                {|EXG001:_counts[userId] = 1|};
                {|EXG001:_total = _total + 1|};
            }
        """);

    [Fact]
    public Task Methods_called_by_a_handler() => Verify("""
            [RequestHandler]
            public void Logout(string userId) => Forget(userId);

            private void Forget(string userId) => {|EXG001:_counts.Remove(userId)|};
        """);

    [Fact]
    public Task Parallel_body_capturing_a_local_and_a_field() => Verify("""
            public int Sum(int[] values)
            {
                int sum = 0;
                Parallel.For(0, values.Length, i => {|EXG001:sum += values[i]|});
                Parallel.ForEach(values, v => {|EXG001:_total++|});
                return sum;
            }
        """);

    [Fact]
    public Task Inconsistent_locking_is_named() => new Test(Handlers("""
            [RequestHandler]
            public void A(int n) { lock (_sync) _total += n; }

            [RequestHandler]
            public void B(int n) { _total -= n; }
        """))
    {
        ExpectedDiagnostics =
        {
            new DiagnosticResult(DiagnosticDescriptors.UnguardedSharedState).WithSpan(25, 28, 25, 39)
                .WithArguments("Field", "_total", "modified", "handler 'B'", "; elsewhere it is modified under a lock (inconsistent locking)"),
        },
    }.RunAsync();

    [Fact]
    public Task Static_field_in_a_single_thread_body() => new Test("""
        using System.Threading;

        class Stats
        {
            private static int s_runs;

            public void Start() => new Thread(() => { {|EXG001:s_runs++|}; }).Start();
        }
        """).RunAsync();

    // Must not flag.

    [Fact]
    public Task Seed_shared_counter_with_the_lock() =>
        new Test(Counter.Replace("BODY", "            lock (counterLock) counter += 1;")).RunAsync();

    [Fact]
    public Task Interlocked_and_Volatile() => Verify("""
            [RequestHandler]
            public void A(int n)
            {
                Interlocked.Increment(ref _total);
                Interlocked.Add(ref _bytes, n);
                Volatile.Write(ref _total, 0);
                ImmutableInterlocked.Update(ref _snapshot, s => s.Add("x"));
            }
        """);

    [Fact]
    public Task Plain_store_to_a_volatile_field_but_not_its_read_modify_write() => Verify("""
            private volatile bool _seen;
            private volatile int _last;

            [RequestHandler]
            public void A(int n)
            {
                _seen = true;
                _last = n;
                {|EXG001:_last = _last + n|};
                {|EXG001:_last++|};
            }
        """);

    [Fact]
    public Task Monitor_and_semaphore_regions() => Verify("""
            [RequestHandler]
            public void A(int n)
            {
                Monitor.Enter(_sync);
                try { _total += n; }
                finally { Monitor.Exit(_sync); }
            }

            [RequestHandler]
            public async Task B(string s)
            {
                await _gate.WaitAsync();
                try { _log.Add(s); }
                finally { _gate.Release(); }
            }
        """);

    [Fact]
    public Task Thread_safe_types() => Verify("""
            private readonly ConcurrentQueue<int> _queue = new();

            [RequestHandler]
            public void A(string key)
            {
                _safe[key] = 1;
                _safe.TryAdd(key, 2);
                _queue.Enqueue(1);
            }
        """);

    [Fact]
    public Task ThreadStatic_ThreadLocal_and_AsyncLocal() => new Test("""
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using ExecutorGen;

        class Handlers
        {
            [ThreadStatic] private static List<int>? t_buffer;
            private static readonly ThreadLocal<int> s_depth = new();
            private static readonly AsyncLocal<string?> s_user = new();

            [RequestHandler]
            public void A(int n)
            {
                t_buffer ??= new List<int>();
                t_buffer.Add(n);
                s_depth.Value++;
                s_user.Value = "x";
            }
        }
        """).RunAsync();

    [Fact]
    public Task Locals_and_objects_created_in_the_method() => Verify("""
            [RequestHandler]
            public List<string> A(string key)
            {
                int count = 0;
                count++;
                var items = new List<string>();
                items.Add(key);
                var map = new Dictionary<string, int>();
                map[key] = count;
                Parallel.For(0, 4, i => { int local = 0; local += i; });
                return items;
            }
        """);

    [Fact]
    public Task Partition_confined_session_looked_up_by_the_key() => Verify("""
            [RequestHandler(PartitionBy = nameof(userId))]
            public void Touch(string userId)
            {
                var session = _sessions[userId];
                session.Requests++;
                session.Items.Add("touched");
                _sessions[userId].Requests += 1;
            }
        """);

    [Fact]
    public Task Constructor_writes_and_non_worker_methods() => Verify("""
            public Sessions(int start) { _total = start; _log.Add("created"); }

            public void Reset() { _total = 0; _log.Clear(); }
        """);

    [Fact]
    public Task Single_thread_body_writing_its_own_fields() => new Test("""
        using System.Threading;

        class Pump
        {
            private int _pumped;
            private Thread? _thread;

            public void Start()
            {
                _thread = new Thread(() => { while (true) _pumped++; });
                _thread.Start();
            }
        }
        """).RunAsync();

    // Code fix.

    [Fact]
    public Task Fix_uses_Interlocked_for_counters() => new FixTest(
        Handlers("""
                [RequestHandler]
                public void A(int n)
                {
                    {|EXG001:_total++|};
                    {|EXG001:_bytes -= n|};
                }
            """),
        Handlers("""
                [RequestHandler]
                public void A(int n)
                {
                    Interlocked.Increment(ref _total);
                    Interlocked.Add(ref _bytes, -n);
                }
            """)).RunAsync();

    [Fact]
    public Task Fix_wraps_in_a_lock_on_a_new_lock_object_and_fix_all_adds_it_once() => new FixTest(
        Counter.Replace("BODY", "            {|EXG001:counter = counter * 2|};\n            {|EXG001:counter = counter + 1|};"),
        Counter.Replace("BODY", """
                        lock (s_lock)
                        {
                            counter = counter * 2;
                        }

                        lock (s_lock)
                        {
                            counter = counter + 1;
                        }
            """.TrimEnd()).Replace("    private static int counter;", "    private static readonly object s_lock = new object();\n    private static int counter;")).RunAsync();
}
