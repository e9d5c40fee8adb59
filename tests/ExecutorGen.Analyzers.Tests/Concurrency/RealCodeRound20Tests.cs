using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The twentieth round of issue 14 (docs/analyzers-on-real-code.md, "Round 20"): a statement that stores a new object in
/// a local replaces what the local held. The DNS server's statistics look a day up in a shared cache and, where it is
/// missing, build a new counter in the same local and merge the hours into it
/// (<c>if (!_cache.TryGetValue(day, out stats)) { stats = new(); stats.Merge(hour); }</c>). The walk took the local to
/// hold the cache's object or the new one, so EXG001 reported the counter's fields as written by every statistics
/// request. The must-not-flag tests failed before the change; the must-flag ones keep the places where the local may
/// still hold the shared object: after the branch, in the other branch or section, in a catch, and in a loop.
/// </summary>
public class RealCodeRound20Tests
{
    private const string Stats = """
        using System;
        using System.Collections.Concurrent;
        using ExecutorGen;

        public sealed class Tally
        {
            private long _total;

            public void Add(Tally other) => _total += other._total;
        }

        public sealed class Stats
        {
            private readonly ConcurrentDictionary<int, Tally> _daily = new();

            [RequestHandler(PartitionBy = nameof(day))]
            public long Get(int day, Tally hour)
            {
                BODY
                return 0;
            }
        }
        """;

    private static Test For(string body) => new(Stats.Replace("BODY", body));

    /// <summary>The write in <c>Tally.Add</c>, reached on the cache's shared object.</summary>
    private static DiagnosticResult SharedTallyWritten() => SharedStateResults.Exg001(9, 37, 59, "Field", "_total", "modified", "Get");

    private static Task Flagged(string body) => For(body).RunExpecting(SharedTallyWritten());

    [Fact]
    public Task The_cached_object_itself_is_shared() =>
        Flagged("""
            _daily.GetOrAdd(day, _ => new Tally()).Add(hour);
            """);

    [Fact]
    public Task A_local_replaced_by_a_new_object_holds_that_object() =>
        For("""
            if (!_daily.TryGetValue(day, out var tally))
            {
                tally = new Tally();
                tally.Add(hour);
                _daily.TryAdd(day, tally);
            }
            """).RunAsync();

    [Fact]
    public Task A_local_replaced_in_a_branch_that_leaves_holds_the_new_object_in_that_branch() =>
        For("""
            Tally tally = _daily[day];
            if (hour is null)
            {
                tally = new Tally();
                tally.Add(new Tally());
                return 1;
            }
            """).RunAsync();

    [Fact]
    public Task A_local_replaced_in_a_switch_section_holds_the_new_object_there() =>
        For("""
            Tally tally = _daily[day];
            switch (day)
            {
                case 0:
                    tally = new Tally();
                    tally.Add(hour);
                    break;
                default:
                    break;
            }
            """).RunAsync();

    [Fact]
    public Task After_the_branch_the_local_may_still_hold_the_cached_object() =>
        Flagged("""
            if (!_daily.TryGetValue(day, out var tally))
                tally = new Tally();
            tally.Add(hour);
            """);

    [Fact]
    public Task The_other_branch_sees_what_the_local_held_before() =>
        Flagged("""
            Tally tally = _daily[day];
            if (hour is null)
                tally = new Tally();
            else
                tally.Add(hour);
            """);

    [Fact]
    public Task After_a_branch_that_leaves_the_local_holds_what_it_held_before() =>
        Flagged("""
            Tally tally = _daily[day];
            if (hour is null)
            {
                tally = new Tally();
                return 1;
            }
            tally.Add(hour);
            """);

    [Fact]
    public Task The_next_switch_section_sees_what_the_local_held_before() =>
        Flagged("""
            Tally tally = _daily[day];
            switch (day)
            {
                case 0:
                    tally = new Tally();
                    break;
                default:
                    tally.Add(hour);
                    break;
            }
            """);

    [Fact]
    public Task A_catch_sees_what_the_local_held_before_the_try() =>
        Flagged("""
            Tally tally = _daily[day];
            try
            {
                tally = new Tally();
                tally.Add(hour);
            }
            catch (InvalidOperationException)
            {
                tally.Add(hour);
            }
            """);

    [Fact]
    public Task A_store_in_a_loop_does_not_replace_what_the_next_time_round_sees() =>
        Flagged("""
            Tally tally = new Tally();
            for (int i = 0; i < 2; i++)
            {
                tally = _daily[day];
                tally.Add(hour);
                tally = new Tally();
            }
            """);

    [Fact]
    public Task A_store_whose_value_reads_the_local_does_not_replace_it() =>
        Flagged("""
            Tally tally = _daily[day];
            tally = Pass(tally);
            tally.Add(hour);
            static Tally Pass(Tally t) => t ?? new Tally();
            """);
}

/// <summary>
/// Round 20: a field declared as a collection interface that only ever holds a thread-safe collection. Smartstore's
/// memory cache keeps its keys in <c>private readonly ICollection&lt;string&gt; _keys = new SyncedCollection&lt;string&gt;(…)</c>,
/// a collection of its own that takes a reader-writer lock in every member, and EXG001 reported each <c>_keys.Add</c> and
/// <c>_keys.Remove</c> as an unlocked change of a collection; <c>IDictionary&lt;K, V&gt; _x = new ConcurrentDictionary&lt;K, V&gt;()</c>
/// is the same shape. The must-flag tests keep a field that holds, or may hold, a plain collection.
/// </summary>
public class RealCodeRound20CollectionTests
{
    private const string Registry = """
        using System.Collections;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using ExecutorGen;

        public sealed class Synced<T> : ICollection<T>
        {
            private readonly object _gate = new();
            private readonly List<T> _items = new();

            public int Count { get { lock (_gate) return _items.Count; } }
            public bool IsReadOnly => false;
            public void Add(T item) { lock (_gate) _items.Add(item); }
            public void Clear() { lock (_gate) _items.Clear(); }
            public bool Contains(T item) { lock (_gate) return _items.Contains(item); }
            public void CopyTo(T[] array, int index) { lock (_gate) _items.CopyTo(array, index); }
            public bool Remove(T item) { lock (_gate) return _items.Remove(item); }
            public IEnumerator<T> GetEnumerator() { lock (_gate) return ((IEnumerable<T>)_items.ToArray()).GetEnumerator(); }
            IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
        }

        public sealed class Registry
        {
            FIELD

            [RequestHandler(PartitionBy = nameof(name))]
            public void Handle(string name)
            {
                _seen.Add(name);
                _seen.Remove("old");
            }
        }
        """;

    private static SharedStateTest For(string field) => new(Registry.Replace("FIELD", field));

    /// <summary>Both changes of the collection in <c>Handle</c>, the field declared on <paramref name="fieldLines"/> lines.</summary>
    private static Task Flagged(string field, int fieldLines) =>
        For(field).RunExpecting(
            SharedStateResults.Exg001(28 + fieldLines, 9, 24, "Field", "_seen", "modified", "Handle"),
            SharedStateResults.Exg001(29 + fieldLines, 9, 28, "Field", "_seen", "modified", "Handle"));

    [Fact]
    public Task A_collection_interface_holding_a_concurrent_collection_is_changed_safely() =>
        new SharedStateTest("""
            using System.Collections.Concurrent;
            using System.Collections.Generic;
            using ExecutorGen;

            public sealed class Registry
            {
                private readonly IDictionary<string, int> _seen = new ConcurrentDictionary<string, int>();

                [RequestHandler(PartitionBy = nameof(name))]
                public void Handle(string name)
                {
                    _seen[name] = 1;
                    _seen.Remove("old");
                }
            }
            """).RunAsync();

    [Fact]
    public Task A_collection_interface_holding_a_locked_collection_of_the_compilation_is_changed_safely() =>
        For("private readonly ICollection<string> _seen = new Synced<string>();").RunAsync();

    [Fact]
    public Task A_collection_interface_set_in_the_constructor_to_a_locked_collection_is_changed_safely() =>
        For("""
            private readonly ICollection<string> _seen;
            public Registry() => _seen = new Synced<string>();
            """).RunAsync();

    [Fact]
    public Task A_collection_interface_holding_a_plain_collection_is_reported() =>
        Flagged("private readonly ICollection<string> _seen = new List<string>();", 1);

    [Fact]
    public Task A_collection_interface_a_deconstruction_may_give_a_plain_collection_is_reported() =>
        Flagged("""
            private readonly ICollection<string> _seen = new Synced<string>();
            public Registry(bool plain) { if (plain) (_seen, _) = (new List<string>(), 0); }
            """, 2);

    [Fact]
    public Task A_collection_interface_that_may_be_given_a_plain_collection_is_reported() =>
        Flagged("""
            private ICollection<string> _seen = new Synced<string>();
            public void Reset(ICollection<string> seen) => _seen = seen;
            """, 2);
}

/// <summary>
/// Round 20, the reach: a virtual call in a base class runs the override of the object the path calls it on. Smartstore's
/// theme registry disposes its themes (<c>ThemeDescriptor</c>, which derives from its <c>Disposable</c> base), and
/// <c>Disposable.Dispose</c> calls the virtual <c>OnDispose</c>; the reach ran every override of it in the compilation, so
/// EXG001 reported the CSV writer's and the media item's disposal as done by the theme-reload request. The must-flag tests
/// keep a call whose object may be any of them.
/// </summary>
public class RealCodeRound20OverrideTests
{
    private const string Themes = """
        using System;
        using ExecutorGen;

        public abstract class Disposable : IDisposable
        {
            public void Dispose() => OnDispose(true);
            protected virtual void OnDispose(bool disposing) { }
        }

        public sealed class Theme : Disposable
        {
            protected override void OnDispose(bool disposing) { }
        }

        public sealed class CsvOut : Disposable
        {
            private static int s_open;
            protected override void OnDispose(bool disposing) => s_open--;
        }

        public class Registry
        {
            private readonly Theme _theme = new();
            private readonly CsvOut _csv = new();

            [RequestHandler(PartitionBy = nameof(name))]
            public void Reload(string name)
            {
                BODY
            }

            protected virtual void Clear() => _theme.Dispose();
        }
        """;

    private static SharedStateTest For(string body) => new(Themes.Replace("BODY", body));

    private static Task Flagged(string body) =>
        For(body).RunExpecting(SharedStateResults.Exg001(18, 58, 66, "Static field", "s_open", "modified", "Reload"));

    [Fact]
    public Task A_base_class_method_called_on_one_kind_of_object_runs_that_kind_s_override() =>
        For("_theme.Dispose();").RunAsync();

    [Fact]
    public Task A_method_of_this_keeps_what_the_path_knows_of_the_object_it_calls() =>
        For("Clear();").RunAsync();

    [Fact]
    public Task A_base_class_method_called_on_this_runs_the_handler_class_s_override() =>
        new SharedStateTest("""
            using ExecutorGen;

            public abstract class Job
            {
                public void Reset() => OnReset();
                protected abstract void OnReset();
            }

            public sealed class Export : Job
            {
                private static int s_runs;
                protected override void OnReset() => s_runs--;
            }

            public sealed class Import : Job
            {
                protected override void OnReset() { }

                [RequestHandler(PartitionBy = nameof(name))]
                public void Run(string name) => Reset();
            }
            """).RunAsync();

    [Fact]
    public Task A_base_class_method_called_on_another_kind_runs_its_override() =>
        Flagged("_csv.Dispose();");

    [Fact]
    public Task A_base_class_method_called_on_an_object_of_the_base_type_runs_every_override() =>
        Flagged("Disposable any = name.Length > 0 ? _theme : _csv; any.Dispose();");
}
