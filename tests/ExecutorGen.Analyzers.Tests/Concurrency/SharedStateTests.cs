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

    [Fact]
    public Task Read_without_the_lock_that_guards_the_writes_is_named() => new Test(Handlers("""
            [RequestHandler]
            public void A(int n) { lock (_sync) _total += n; }

            [RequestHandler]
            public void B(int n)
            {
                if (_total > n)
                    Console.WriteLine(_total);
            }
        """))
    {
        ExpectedDiagnostics =
        {
            new DiagnosticResult(DiagnosticDescriptors.UnsynchronizedSharedValue).WithSpan(27, 13, 27, 19)
                .WithArguments("Field", "_total", "read", "handler 'B'", "; elsewhere it is accessed under a lock (inconsistent locking)"),
        },
    }.RunAsync();

    [Fact]
    public Task A_pump_thread_walking_a_list_handlers_write_under_a_lock_but_not_polling_its_count() => Verify("""
            private int _queued;

            [RequestHandler]
            public void Enqueue(string item) { lock (_sync) { _log.Add(item); _queued++; } }

            public void Start() => new Thread(Pump).Start();

            private void Pump()
            {
                while (true)
                {
                    // One thread polling a count: it sees an older value, never a broken one.
                    if (_queued == 0)
                        Thread.Sleep(10);
                    if (_queued > 100)
                        Console.WriteLine("backlog");
                    foreach (var line in {|EXG010:_log|})
                        Console.WriteLine(line);
                }
            }
        """);

    [Fact]
    public Task Reads_reported_once_per_method_in_parallel_bodies_and_static_fields() => new Test("""
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        static class Stats
        {
            private static readonly object s_sync = new();
            private static int s_max;
            private static List<int> s_seen = new();
            private static List<int>? s_last;

            public static void Scan(int[] values) => Parallel.ForEach(values, v =>
            {
                if (v > {|EXG010:s_max|} && v > s_max + 1)
                    lock (s_sync) { s_max = v; s_seen = new List<int>(s_seen) { v }; }
                // One atomic read of a reference published under the lock: an older list or the newer one, never a broken one.
                Console.WriteLine(s_seen.Count);
                lock (s_sync) s_last ??= new List<int>();
                Console.WriteLine(s_last?.Count);
            });
        }
        """).RunAsync();

    [Fact]
    public Task Read_under_a_different_kind_of_guard_elsewhere_Monitor_and_Lock_scope() => Verify("""
            private string _state = "idle";

            [RequestHandler]
            public void Set(string state)
            {
                Monitor.Enter(_sync);
                try { _state = state; }
                finally { Monitor.Exit(_sync); }
            }

            [RequestHandler]
            public void Log(string message) => Console.WriteLine({|EXG010:_state|}.Length > 0 ? message + _state : message);
        """);

    [Fact]
    public Task Worker_started_through_a_using_alias_or_a_target_typed_new() => new Test("""
        using Starter = System.Threading.Thread;

        class Stats
        {
            private static int s_runs;

            public void Start() => new Starter(() => { {|EXG001:s_runs++|}; }).Start();
        }

        class Pump
        {
            protected System.Threading.Thread? _worker;
        }

        class CountingPump : Pump
        {
            private static int s_count;

            public void Go() { _worker = new(() => { {|EXG001:s_count++|}; }); _worker.Start(); }
        }
        """).RunAsync();

    [Fact]
    public Task Callbacks_of_timers_created_in_static_initializers() => new Test("""
        using System.Threading;

        static class Heartbeat
        {
            private static int s_beats;
            private static long s_ticks;
            private static readonly Timer s_timer = new Timer(_ => {|EXG001:s_beats++|}, null, 0, 1000);

            public static Timer Ticker { get; } = new Timer(_ => {|EXG001:s_ticks += 2|}, null, 0, 1000);
        }
        """).RunAsync();

    [Fact]
    public Task Message_names_the_initialized_field_as_where_the_worker_starts() => new Test("""
        using System.Threading;

        static class Heartbeat
        {
            private static int s_beats;
            private static readonly Timer s_timer = new Timer(_ => s_beats++, null, 0, 1000);
        }
        """)
    {
        ExpectedDiagnostics =
        {
            new DiagnosticResult(DiagnosticDescriptors.UnguardedSharedState)
                .WithSpan(6, 60, 6, 69)
                .WithArguments("Static field", "s_beats", "modified", "the timer callback in 's_timer'", "")
                .WithOptions(DiagnosticOptions.IgnoreAdditionalLocations),
        },
    }.RunAsync();

    // Must not flag.

    [Fact]
    public Task Static_initializers_themselves_and_guarded_timer_callbacks() => new Test("""
        using System.Threading;

        static class Heartbeat
        {
            private static int s_seed = 3;
            private static int s_first = s_seed++;
            private static int s_beats;
            private static readonly Timer s_timer = new Timer(_ => Interlocked.Increment(ref s_beats), null, 0, 1000);
        }
        """).RunAsync();

    [Fact]
    public Task Reads_of_fields_written_only_by_initializers_even_when_locked_elsewhere() => new Test("""
        using System;
        using System.Threading;

        static class Bus
        {
            private static readonly object s_sync = new();
            private static int s_epoch = 1;
            private static int s_version;
            private static int s_first = s_epoch = 2;
            public static event Action? Changed = Initial(s_version = 1);
            private static readonly Timer s_timer = new Timer(_ => Console.WriteLine(s_epoch + s_version), null, 0, 1000);

            private static Action? Initial(int version) => null;

            public static int Read() { lock (s_sync) return s_epoch + s_version; }
        }
        """).RunAsync();

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

    [Fact]
    public Task Reads_of_readonly_constructor_only_and_volatile_fields() => Verify("""
            private int _limit;
            private volatile int _generation;

            public Sessions(int limit) { _limit = limit; }

            [RequestHandler]
            public void A(int n)
            {
                lock (_sync)
                {
                    if (_log.Count < _limit) _log.Add("x");
                    _generation++;
                }
            }

            [RequestHandler]
            public int B(int n) => n > _limit ? _log.Count + _generation : _generation;
        """);

    [Fact]
    public Task Volatile_Read_Interlocked_and_reads_inside_the_lock() => Verify("""
            [RequestHandler]
            public void A(int n) { lock (_sync) _total += n; }

            [RequestHandler]
            public int B(int n)
            {
                lock (_sync)
                {
                    if (_total > n) return _total;
                }
                return Volatile.Read(ref _total) + Interlocked.CompareExchange(ref _total, 0, 0);
            }

            [RequestHandler]
            public long C(int n) { Interlocked.Add(ref _bytes, n); return _bytes; }
        """);

    [Fact]
    public Task Reading_a_reference_only_to_call_a_thread_safe_member() => Verify("""
            private CancellationTokenSource _cts = new();
            private TaskCompletionSource<int> _ready = new();
            private ConcurrentQueue<int> _pending = new();

            [RequestHandler]
            public void Restart(int n)
            {
                lock (_sync)
                {
                    _cts.Cancel();
                    _cts = new CancellationTokenSource();
                    _ready = new TaskCompletionSource<int>();
                    _pending = new ConcurrentQueue<int>();
                }
            }

            [RequestHandler]
            public async Task Work(int n)
            {
                var token = _cts.Token;
                _ready.TrySetResult(n);
                _pending.Enqueue(n);
                await Task.Delay(n, token);
                _cts.Cancel();
            }
        """);

    [Fact]
    public Task Double_checked_locking_with_volatile_and_of_a_reference() => Verify("""
            private volatile Session? _default;
            private Session? _shared;

            [RequestHandler]
            public Session Default(int n)
            {
                if (_default == null)
                {
                    lock (_sync)
                    {
                        if (_default == null)
                            _default = new Session();
                    }
                }
                return _default;
            }

            [RequestHandler]
            public Session Shared(int n)
            {
                if (_shared is null)
                {
                    lock (_sync)
                    {
                        _shared ??= new Session();
                    }
                }
                return _shared;
            }
        """);

    [Fact]
    public Task Unlocked_reads_where_no_lock_guards_the_field_or_outside_worker_code() => Verify("""
            private int _hits;
            private int _peak;

            [RequestHandler]
            public void A(int n) { Interlocked.Increment(ref _hits); lock (_sync) _peak = Math.Max(_peak, n); }

            [RequestHandler]
            public int B(int n) => _hits + n;

            public int Peak => _peak;
        """);

    [Fact]
    public Task The_only_writer_thread_reads_its_own_field_without_the_lock() => Verify("""
            private int _last;

            public void Start() => new Thread(Pump).Start();

            private void Pump()
            {
                while (true)
                {
                    lock (_sync) _last++;
                    Console.WriteLine(_last);
                }
            }

            [RequestHandler]
            public int Last(int n) { lock (_sync) return _last + n; }
        """);

    [Fact]
    public Task Lock_objects_ThreadStatic_and_semaphore_guarded_reads() => new Test("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using ExecutorGen;

        class Handlers
        {
            private object _gate = new();
            private readonly SemaphoreSlim _semaphore = new(1);
            [ThreadStatic] private static int t_depth;
            private int _count;

            public void Swap() { lock (_gate) _gate = new object(); }

            [RequestHandler]
            public async Task A(int n)
            {
                lock (_gate) _count++;
                Monitor.Enter(_gate);
                Monitor.Exit(_gate);
                lock (_gate) t_depth++;
                Console.WriteLine(t_depth);
                await _semaphore.WaitAsync();
                try { Console.WriteLine(_count); }
                finally { _semaphore.Release(); }
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

    [Fact]
    public Task Fix_takes_the_lock_that_guards_the_field_elsewhere() => new FixTest(
        Handlers("""
                [RequestHandler]
                public void A(int n) { lock (_sync) _total += n; }

                [RequestHandler]
                public void B(int n)
                {
                    {|EXG001:_total -= n|};
                    if ({|EXG010:_total|} > n)
                        Console.WriteLine(_total);
                }
            """),
        Handlers("""
                [RequestHandler]
                public void A(int n) { lock (_sync) _total += n; }

                [RequestHandler]
                public void B(int n)
                {
                    lock (_sync)
                    {
                        _total -= n;
                    }

                    lock (_sync)
                    {
                        if (_total > n)
                            Console.WriteLine(_total);
                    }
                }
            """)).RunAsync();

    [Fact]
    public Task No_fix_for_a_local_declaration_whose_scope_a_lock_would_end()
    {
        // The fixed source is the source itself: the fix must not be offered.
        string source = Handlers("""
                [RequestHandler]
                public void A(int n) { lock (_sync) _total += n; }

                [RequestHandler]
                public int B(int n)
                {
                    int total = {|EXG010:_total|};
                    return total + _total + n;
                }
            """);
        return new FixTest(source, source).RunAsync();
    }
}
