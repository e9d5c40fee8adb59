using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The twenty-first round of issue 14 (docs/analyzers-on-real-code.md, "Round 21"): a store of the clock's reading
/// (<c>_lastSeen = DateTime.UtcNow;</c>, a throttle's <c>_lastRefresh = now;</c>). Racing stores all store "now", a few
/// ticks apart; whichever wins, a reader sees a time the object was last touched, and a test of it (<c>LastSeen !=
/// default</c>, <c>now - _lastRefresh &lt; period</c>) decides as it would have with a lock, up to that skew. Every such
/// report judged on real code was false (the DNS server's cluster nodes and zones, Sonarr's cached dictionary,
/// ShokoServer's Plex helper, Squidex's state throttle). The must-not-flag tests failed before the change; the must-flag
/// ones keep a clock reading the function reads back (part of a larger update), a local that may hold something else,
/// and a store that other code makes under a lock. Second, a getter is a call: what it returns is followed as a method's
/// result is (Smartstore's scoped checkout-state accessor hands out the request's state; a getter that makes a new
/// object hands out the caller's), and an interface's getter runs its implementations' code, which the reach did not
/// follow before (a must-flag test).
/// </summary>
public class RealCodeRound21Tests
{
    private const string Node = """
        using System;
        using System.Diagnostics;
        using ExecutorGen;

        public sealed class Node
        {
            private readonly object _sync = new();
            private DateTime _lastSeen;
            private long _lastTick;
            private DateTime _until;

            public string Status()
            {
                if (_lastSeen != default && _lastTick > 0 && _until > DateTime.MinValue)
                    return "seen";
                return "never";
            }

            public void Reset()
            {
                lock (_sync)
                    _until = default;
            }

            [RequestHandler(PartitionBy = nameof(id))]
            public void Ping(string id, int seconds)
            {
                BODY
            }
        }
        """;

    private static Test For(string body) => new(Node.Replace("BODY", body));

    [Fact]
    public Task A_store_of_the_current_time_is_not_reported() =>
        For("""
            _lastSeen = DateTime.UtcNow;
            """).RunAsync();

    [Fact]
    public Task A_store_of_a_timestamp_is_not_reported() =>
        For("""
            _lastTick = Stopwatch.GetTimestamp();
            """).RunAsync();

    [Fact]
    public Task A_throttle_that_tests_the_time_and_stores_the_current_time_is_not_reported() =>
        For("""
            var now = DateTime.UtcNow;
            if (now - _lastSeen < TimeSpan.FromSeconds(seconds))
                return;
            _lastSeen = now;
            """).RunAsync();

    [Fact]
    public Task A_clock_reading_the_function_reads_back_is_reported() =>
        For("""
            _lastSeen = DateTime.UtcNow;
            Console.WriteLine(_lastSeen.AddSeconds(seconds));
            """).RunExpecting(SharedStateResults.Exg010(28, 9, 36, "Field", "_lastSeen", "modified", "Ping"));

    [Fact]
    public Task A_local_that_may_hold_another_time_is_reported() =>
        For("""
            var when = DateTime.UtcNow;
            if (seconds > 0)
                when = when.AddSeconds(seconds);
            _lastSeen = when;
            """).RunExpecting(SharedStateResults.Exg010(31, 1, 17, "Field", "_lastSeen", "modified", "Ping"));

    [Fact]
    public Task A_clock_reading_stored_where_other_code_stores_under_a_lock_is_reported() =>
        For("""
            _until = DateTime.UtcNow;
            """).RunExpecting(SharedStateResults.Exg010(28, 9, 33, "Field", "_until", "modified", "Ping",
                "; elsewhere it is modified under a lock (inconsistent locking)"));

    // Smartstore's checkout state: a controller's scoped accessor loads the request's state once and hands it out; the
    // controller changes the state's properties. What a call on a scoped service returns of the service's own fields is
    // that request's, as the service is (round 10 decided the service's own fields so).
    private const string Checkout = """
        using System.Collections.Generic;
        using ExecutorGen;
        using Microsoft.Extensions.DependencyInjection;

        """ + RealCodeRound10Tests.Registrations + """
        public sealed class CheckoutState
        {
            private readonly Dictionary<string, object> _properties = new();

            public void Set(string key, object value) => {|EXG001:_properties[key] = value|};
        }

        public interface IStateAccessor
        {
            CheckoutState State { get; }
        }

        public sealed class StateAccessor : IStateAccessor
        {
            private CheckoutState _state;

            public CheckoutState State => _state ??= new CheckoutState();
        }


        """ + RealCodeRound10Tests.RegisteringStartup + """
        public sealed class CheckoutController
        {
            private readonly IStateAccessor _accessor;

            public CheckoutController(IStateAccessor accessor) => _accessor = accessor;

            [RequestHandler(PartitionBy = nameof(id))]
            public void AddAddress(int id)
            {
                var state = _accessor.State;
                state.Set("SkipShipping", id > 0);
            }
        }
        """;

    [Fact]
    public Task What_a_scoped_service_returns_of_its_own_is_the_requests() =>
        new Test(Checkout.Replace("REGISTER", "services.AddScoped<IStateAccessor, StateAccessor>()").Replace("{|EXG001:_properties[key] = value|}", "_properties[key] = value")).RunAsync();

    [Fact]
    public Task What_a_singleton_service_returns_of_its_own_is_reported() =>
        new Test(Checkout.Replace("REGISTER", "services.AddSingleton<IStateAccessor, StateAccessor>()")).RunAsync();

    [Fact]
    public Task What_a_service_registered_scoped_and_as_a_singleton_returns_is_reported() =>
        new Test(Checkout.Replace("REGISTER", "services.AddScoped<IStateAccessor, StateAccessor>(); services.AddSingleton<IStateAccessor, StateAccessor>()")).RunAsync();

    // A getter is a call: what it returns is followed like a method's result (a new object is the caller's), and an
    // interface's getter runs its implementations' code.
    private const string Getters = """
        using System.Collections.Generic;
        using ExecutorGen;

        public sealed class Draft
        {
            private readonly List<string> _lines = new();

            public void Add(string line) => {|EXG001:_lines.Add(line)|};
        }

        public interface ICounter
        {
            int Next { get; }
        }

        public sealed class Counter : ICounter
        {
            private static int s_issued;

            public int Next => {|EXG001:++s_issued|};
        }

        public sealed class Editor
        {
            private readonly Draft _draft = new();
            private readonly ICounter _counter = new Counter();

            public Draft Current => _draft;

            public Draft Fresh => new Draft();

            [RequestHandler(PartitionBy = nameof(id))]
            public int Edit(int id)
            {
                DRAFT.Add("line");
                return _counter.Next;
            }
        }
        """;

    [Fact]
    public Task What_a_getter_returns_new_is_the_callers() =>
        new Test(Getters.Replace("DRAFT", "Fresh").Replace("{|EXG001:_lines.Add(line)|}", "_lines.Add(line)")).RunAsync();

    [Fact]
    public Task What_a_getter_returns_of_a_shared_object_is_reported() =>
        new Test(Getters.Replace("DRAFT", "Current")).RunAsync();

    // The DNS server's settings (Recursion, CachePrefetchTrigger, IPv6Mode): a setter that stores the value it is given
    // where it differs from the one held, and acts on the change. Round 19 left such setters of a bool alone; one of an
    // enum or a number was taken for a check-then-act, because the setter reads the field first. An equality test only
    // decides whether anything changed: two racing setters still leave one of the two values, as with a lock. An ordering
    // test (keep the larger) loses an update and stays reported.
    private const string Settings = """
        using System.Threading;
        using ExecutorGen;

        public enum Mode { Off, On, Auto }

        public sealed class Settings
        {
            private Mode _mode;
            private int _max;
            private int _resets;

            public Mode Mode
            {
                get => _mode;
                set
                {
                    if (_mode != value)
                    {
                        MODE;
                        Interlocked.Increment(ref _resets);
                    }
                }
            }

            public int Max
            {
                get => _max;
                set
                {
                    if (value > _max)
                        {|EXG010:_max = value|};
                }
            }
        }

        public sealed class SettingsApi
        {
            private static readonly Settings s_settings = new();

            [RequestHandler(PartitionBy = nameof(id))]
            public void Set(int id, Mode mode)
            {
                s_settings.Mode = mode;
                s_settings.Max = id;
            }
        }
        """;

    [Fact]
    public Task A_setter_that_stores_a_changed_value_is_not_reported() =>
        new Test(Settings.Replace("MODE", "_mode = value")).RunAsync();

    [Fact]
    public Task A_setter_that_stores_something_else_than_its_value_is_reported() =>
        new Test(Settings.Replace("MODE", "{|EXG010:_mode = Mode.Auto|}")).RunAsync();

    // nopCommerce's name compatibility map (round 21's first read): a lock held through a disposable the code makes itself,
    // `using (new ReaderWriteLockDisposable(_locker)) { … }`, whose constructor enters the lock it is given and whose
    // Dispose leaves it. As for a call that hands one out (_rw.GetWriteLock()), no type says so: it goes by the name.
    private const string Names = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using ExecutorGen;

        public enum LockMode { Read, Write }

        public sealed class WriteLockScope : IDisposable
        {
            private readonly ReaderWriterLockSlim _lock;
            private readonly LockMode _mode;

            public WriteLockScope(ReaderWriterLockSlim rwLock, LockMode mode = LockMode.Write)
            {
                (_lock, _mode) = (rwLock, mode);
                if (mode == LockMode.Read) rwLock.EnterReadLock(); else rwLock.EnterWriteLock();
            }

            public void Dispose()
            {
                if (_mode == LockMode.Read) _lock.ExitReadLock(); else _lock.ExitWriteLock();
            }
        }

        public sealed class Tracker : IDisposable
        {
            public Tracker(ReaderWriterLockSlim rwLock) { }
            public void Dispose() { }
        }

        public static class NameMap
        {
            private static readonly ReaderWriterLockSlim s_locker = new();
            private static readonly Dictionary<string, string> s_names = new();

            public static void Load(string name)
            {
                using (SCOPE)
                {
                    STORE;
                }
            }
        }

        public sealed class NamesApi
        {
            [RequestHandler(PartitionBy = nameof(name))]
            public void Register(string name) => NameMap.Load(name);
        }
        """;

    private static Test For(string scope, string store) => new(Names.Replace("SCOPE", scope).Replace("STORE", store));

    [Fact]
    public Task A_lock_held_through_a_disposable_made_here_guards_its_body() =>
        For("new WriteLockScope(s_locker)", "s_names.TryAdd(name, name)").RunAsync();

    [Fact]
    public Task A_disposable_made_here_whose_name_is_no_lock_guards_nothing() =>
        For("new Tracker(s_locker)", "{|EXG001:s_names.TryAdd(name, name)|}").RunAsync();
}
