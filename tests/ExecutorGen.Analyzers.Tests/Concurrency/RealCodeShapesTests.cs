using System.Threading.Tasks;
using Xunit;
using HashTest = ExecutorGen.Analyzers.Tests.AnalyzerTest<ExecutorGen.Analyzers.HashRoutingAnalyzer>;
using LockOrderTest = ExecutorGen.Analyzers.Tests.AnalyzerTest<ExecutorGen.Analyzers.LockOrderAnalyzer>;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// EXG003, EXG004, EXG005 and EXG006 on the shapes issue 14 found in real code (EXG001 and EXG002 have files of their
/// own): tasks known to be complete and hashes sanitised before the remainder (must not flag); stop flags that are
/// auto-properties or polled by <c>new Task(...).Start()</c> workers, and lock inversions through interface and
/// delegate calls (must flag).
/// </summary>
public class RealCodeShapesTests
{
    // ---------------------------------------------------------------- EXG004

    // Issue 14, FP shape 5
    [Fact]
    public Task Result_of_the_task_Task_WhenAny_returned_is_not_reported() => new BlockingWaitTest("""
        using System;
        using System.Threading.Tasks;
        using ExecutorGen;

        public sealed class PriceQuotes
        {
            private readonly Func<string, Task<decimal>> _primary = s => Task.FromResult(1m);
            private readonly Func<string, Task<decimal>> _mirror = s => Task.FromResult(1m);

            [RequestHandler(PartitionBy = nameof(symbol))]
            public async Task<decimal> Quote(string symbol)
            {
                var fastest = await Task.WhenAny(_primary(symbol), _mirror(symbol));
                return fastest.Result;
            }
        }
        """).RunAsync();

    // Issue 14, FP shape 5
    [Fact]
    public Task Result_after_a_Status_RanToCompletion_check_is_not_reported() => new BlockingWaitTest("""
        using System;
        using System.Threading.Tasks;
        using ExecutorGen;

        public sealed class Profiles
        {
            private Task<string> _warmup = Task.FromResult("");

            [RequestHandler(PartitionBy = nameof(userId))]
            public string Greeting(string userId)
            {
                var warmup = _warmup;
                if (warmup.Status == TaskStatus.RanToCompletion)
                    return warmup.Result + userId;
                return "hello " + userId;
            }
        }
        """).RunAsync();

    // Issue 14, FP shape 5
    [Fact]
    public Task Result_in_a_helper_every_caller_calls_only_after_IsCompleted_is_not_reported() => new BlockingWaitTest("""
        using System;
        using System.Collections.Concurrent;
        using System.Threading.Tasks;
        using ExecutorGen;

        public sealed class Reports
        {
            private readonly ConcurrentDictionary<string, Task<string>> _building = new();

            [RequestHandler(PartitionBy = nameof(id))]
            public string Poll(string id)
            {
                if (_building.TryGetValue(id, out var build) && build.IsCompleted)
                    return Publish(build);
                return "pending";
            }

            [RequestHandler(PartitionBy = nameof(id))]
            public string PollOrNull(string id)
            {
                var build = _building.GetOrAdd(id, _ => Task.FromResult(""));
                return build.IsCompletedSuccessfully ? Publish(build) : null;
            }

            private static string Publish(Task<string> build) => "report: " + build.Result;
        }
        """).RunAsync();

    // Issue 14, FP shape 5 (companion: still reported)
    [Fact]
    public Task Result_in_a_helper_one_caller_calls_without_a_check_is_still_reported() => new BlockingWaitTest("""
        using System;
        using System.Collections.Concurrent;
        using System.Threading.Tasks;
        using ExecutorGen;

        public sealed class Reports
        {
            private readonly ConcurrentDictionary<string, Task<string>> _building = new();

            [RequestHandler(PartitionBy = nameof(id))]
            public string Poll(string id)
            {
                if (_building.TryGetValue(id, out var build) && build.IsCompleted)
                    return Publish(build);
                return "pending";
            }

            [RequestHandler(PartitionBy = nameof(id))]
            public string Get(string id) => Publish(_building.GetOrAdd(id, _ => Task.Run(() => "built")));

            private static string Publish(Task<string> build) => "report: " + {|EXG004:build.Result|};
        }
        """).RunAsync();

    // ---------------------------------------------------------------- EXG005

    // Issue 14, FP shape 6
    [Fact]
    public Task Hash_masked_non_negative_in_an_earlier_statement_is_not_reported() => new HashTest("""
        using System.Collections.Generic;

        public sealed class StripedSet
        {
            private readonly HashSet<string>[] _stripes = new HashSet<string>[16];

            public HashSet<string> StripeOf(string key)
            {
                int hash = EqualityComparer<string>.Default.GetHashCode(key);
                int positiveHash = hash & 0x7FFFFFFF;
                return _stripes[positiveHash % _stripes.Length];
            }
        }
        """).RunAsync();

    // Issue 14, FP shape 6
    [Fact]
    public Task Negative_remainder_shifted_back_into_range_is_not_reported() => new HashTest("""
        public sealed class Lanes
        {
            private readonly object[] _lanes = new object[8];

            public object LaneOf(string key)
            {
                int hash = key.GetHashCode();
                int n = _lanes.Length;
                return _lanes[((hash % n) + n) % n];
            }
        }
        """).RunAsync();

    // Issue 14, FP shape 6 (companion: still reported)
    [Fact]
    public Task Hash_remainder_with_no_sanitising_is_still_reported() => new HashTest("""
        public sealed class Lanes
        {
            private readonly object[] _lanes = new object[8];

            public object LaneOf(string key)
            {
                int hash = key.GetHashCode();
                int masked = hash & 0x7FFFFFFF;
                System.Console.WriteLine(masked);
                return _lanes[{|EXG005:hash % _lanes.Length|}];
            }
        }
        """).RunAsync();

    // ---------------------------------------------------------------- EXG006

    // An auto-property cannot be made volatile: the field fix is not offered for one (the fixed source is the source).
    [Fact]
    public Task No_volatile_fix_for_an_auto_property_stop_flag()
    {
        const string source = """
            using System.Threading;

            public sealed class Poller
            {
                public bool IsRunning { get; private set; }

                public void Start() { IsRunning = true; new Thread(Loop).Start(); }

                public void Stop() => IsRunning = false;

                private void Loop() { while ({|EXG006:IsRunning|}) Thread.Sleep(100); }
            }
            """;
        return new StopFlagFixTest(source, source).RunAsync();
    }

    // Issue 14, miss 2
    [Fact]
    public Task Stop_flag_that_is_an_auto_property_is_reported() => new StopFlagTest("""
        using System;
        using System.Threading;

        public sealed class Poller
        {
            public bool IsRunning { get; private set; }

            public void Start()
            {
                IsRunning = true;
                new Thread(Loop) { IsBackground = true }.Start();
            }

            public void Stop() => IsRunning = false;

            private void Loop()
            {
                while ({|EXG006:IsRunning|})
                {
                    Console.WriteLine("poll");
                    Thread.Sleep(100);
                }
            }
        }
        """).RunAsync();

    // Issue 14, miss 2
    [Fact]
    public Task Stop_flag_polled_by_a_worker_started_with_new_Task_Start_is_reported() => new StopFlagTest("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class Compactor
        {
            private bool _stopping;

            public void Start() => new Task(Loop, TaskCreationOptions.LongRunning).Start();

            public void Stop() => _stopping = true;

            private void Loop()
            {
                while (!{|EXG006:_stopping|})
                {
                    Console.WriteLine("compact");
                    Thread.Sleep(1000);
                }
            }
        }
        """).RunAsync();

    // ---------------------------------------------------------------- EXG003

    // Issue 14, miss 3
    [Fact]
    public Task Inversion_through_an_interface_call_and_a_delegate_callback_is_reported()
    {
        var test = new LockOrderTest("""
            using System;

            public sealed class ConnectionPool : IDisposable
            {
                private readonly object _gate = new();
                private readonly IConnection _inner;
                private int _received;

                public ConnectionPool(Func<Action<string>, IConnection> connect) => _inner = connect(OnMessage);

                // Holds the pool's gate, then Dispose takes the connection's lock.
                public void Dispose()
                {
                    lock (_gate)
                    {
                        {|EXG003:_inner.Dispose()|};
                    }
                }

                // Called back by the connection with its lock held, then takes the pool's gate.
                private void OnMessage(string message)
                {
                    lock (_gate)
                    {
                        _received++;
                    }
                }
            }
            """);
        test.TestState.Sources.Add("""
            using System;

            public interface IConnection : IDisposable
            {
                void Send(string message);
            }

            public sealed class Connection : IConnection
            {
                private readonly object _sync = new();
                private readonly Action<string> _onMessage;
                private bool _open = true;

                public Connection(Action<string> onMessage) => _onMessage = onMessage;

                public void Send(string message)
                {
                    lock (_sync)
                    {
                        if (!_open)
                            throw new ObjectDisposedException(nameof(Connection));
                    }
                }

                public void Receive(string message)
                {
                    lock (_sync)
                    {
                        if (_open)
                            {|EXG003:_onMessage(message)|};
                    }
                }

                public void Dispose()
                {
                    lock (_sync)
                    {
                        _open = false;
                    }
                }
            }
            """);
        return test.RunAsync();
    }
}
